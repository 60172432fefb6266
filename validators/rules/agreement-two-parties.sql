-- title: An agreement has at least two parties
-- why: An agreement, memorandum or partnership is signed by two sides or more; record each in
--   commitment_parties with the claim that names it.
-- checks: commitments
SELECT 'commitments' AS resource, c._row AS row_number, 'kind' AS column_name,
       count(DISTINCT p.actor_id) || ' part' || CASE count(DISTINCT p.actor_id) WHEN 1 THEN 'y' ELSE 'ies' END
           || ' in commitment_parties' AS detail
FROM commitments AS c
LEFT JOIN commitment_parties AS p ON p.commitment_id = c.commitment_id
WHERE c.kind = 'agreement'
GROUP BY c._row, c.commitment_id
HAVING count(DISTINCT p.actor_id) < 2
ORDER BY c._row
