-- title: The claims of one discrepancy are about one subject
-- why: A discrepancy records sources disagreeing about the same thing; claims about different
--   commitments, indicators or events do not disagree, they describe different things.
-- checks: discrepancy_claims
WITH linked AS (
    SELECT dc._row, dc.discrepancy_id, k.claim_id,
           coalesce('commitment ' || k.commitment_id, 'indicator ' || k.indicator_id, 'event ' || k.event_id)
               AS subject
    FROM discrepancy_claims AS dc
    JOIN claims AS k ON k.claim_id = dc.claim_id
),
first_subject AS (
    SELECT discrepancy_id, arg_min(subject, _row) AS subject FROM linked GROUP BY discrepancy_id
)
SELECT 'discrepancy_claims' AS resource, l._row AS row_number, 'claim_id' AS column_name,
       'claim ' || l.claim_id || ' is about ' || l.subject || ', the discrepancy''s first claim about '
           || f.subject AS detail
FROM linked AS l
JOIN first_subject AS f ON f.discrepancy_id = l.discrepancy_id
WHERE l.subject IS DISTINCT FROM f.subject
ORDER BY l._row
