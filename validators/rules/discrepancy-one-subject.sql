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
-- The subject most of the discrepancy's claims are about (on a tie, the first one's): the claims
-- about anything else are the ones to look at.
main_subject AS (
    SELECT discrepancy_id, subject
    FROM (SELECT discrepancy_id, subject, count(*) AS n, min(_row) AS first_row FROM linked GROUP BY ALL)
    QUALIFY row_number() OVER (PARTITION BY discrepancy_id ORDER BY n DESC, first_row) = 1
)
SELECT 'discrepancy_claims' AS resource, l._row AS row_number, 'claim_id' AS column_name,
       'claim ' || l.claim_id || ' is about ' || l.subject || ', the discrepancy''s other claims about '
           || m.subject AS detail
FROM linked AS l
JOIN main_subject AS m ON m.discrepancy_id = l.discrepancy_id
WHERE l.subject IS DISTINCT FROM m.subject
ORDER BY l._row
