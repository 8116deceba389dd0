-- Latchkey migration 2: reserved for a migration of a branch merged alongside this one.
-- Placeholder only, so that migration 3 applies on this branch (the runner refuses gaps); the
-- merge replaces this file with the real migration 2.
SELECT 1;
