-- title: Every commitment has at least one claim
-- why: A commitment that no claim quotes is not traced to any source text; add the claim that
--   states it (quote and offsets), or remove the commitment.
-- checks: commitments
SELECT 'commitments' AS resource, c._row AS row_number, 'commitment_id' AS column_name,
       'no claim has this commitment_id' AS detail
FROM commitments AS c
WHERE NOT EXISTS (SELECT 1 FROM claims AS k WHERE k.commitment_id = c.commitment_id)
ORDER BY c._row
