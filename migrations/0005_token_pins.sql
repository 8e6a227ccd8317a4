-- A token set in the environment (SCIM_TOKEN, ADMIN_TOKEN) is authoritative (PRODUCT.md §8.4). The
-- server records here the variable that pins it, so a rotation from the admin API or from a
-- zi-scim command run in another shell is refused instead of being undone at the next start.
-- NULL: the token was generated or rotated, and is the sandbox's to rotate.
ALTER TABLE tokens ADD COLUMN pinned_by TEXT;
