-- title: A commitment and everything under it
-- description: What does a programme or agreement break down into? The commitment and all its
--   descendants through parent_commitment_id, with their depth, kind, target and deadline.
-- param: commitment VARCHAR = maroc-digital-2030 -- commitment_id at the top of the tree
-- example: python cli.py query sub-commitments --param commitment=accord-dco
WITH RECURSIVE tree(commitment_id, depth, path) AS (
    SELECT commitment_id, 0, commitment_id
    FROM commitments
    WHERE commitment_id = $commitment
    UNION ALL
    SELECT c.commitment_id, tree.depth + 1, tree.path || ' > ' || c.commitment_id
    FROM commitments AS c
    JOIN tree ON c.parent_commitment_id = tree.commitment_id
    WHERE tree.depth < 20
)
SELECT
    tree.depth,
    c.commitment_id,
    c.parent_commitment_id,
    c.title_en,
    c.kind,
    c.target_qualifier,
    c.target_value,
    c.unit_id,
    c.deadline_year,
    tree.path
FROM tree
JOIN commitments AS c USING (commitment_id)
ORDER BY tree.path
