-- PLACEHOLDER (branch abuse): version 2 is taken by another branch being merged in parallel.
-- The runner needs versions without gaps; delete this file when that branch's 00002 lands.
SELECT 1;
