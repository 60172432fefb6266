-- title: Parent commitments form no cycle
-- why: parent_commitment_id builds a tree (a budget under its programme); a commitment that is
--   its own ancestor has no root and breaks every roll-up. Clear or fix one parent in the cycle.
-- checks: commitments
WITH RECURSIVE walk(start_id, current_id, path) AS (
    SELECT commitment_id, parent_commitment_id, [commitment_id]
    FROM commitments
    WHERE parent_commitment_id IS NOT NULL
    UNION ALL
    SELECT w.start_id, c.parent_commitment_id, list_append(w.path, w.current_id)
    FROM walk AS w
    JOIN commitments AS c ON c.commitment_id = w.current_id
    WHERE c.parent_commitment_id IS NOT NULL AND NOT list_contains(w.path, w.current_id)
)
SELECT DISTINCT 'commitments' AS resource, c._row AS row_number, 'parent_commitment_id' AS column_name,
       'cycle: ' || array_to_string(list_append(w.path, w.current_id), ' → ') AS detail
FROM walk AS w
JOIN commitments AS c ON c.commitment_id = w.start_id
WHERE w.current_id = w.start_id
ORDER BY row_number
