-- title: Claims that disagree on a figure are linked by a discrepancy
-- why: Two claims on one commitment or indicator with different values (or units) are a
--   disagreement between sources; record it in discrepancies and link both claims in
--   discrepancy_claims, so no conflict stays silent.
-- checks: claims
WITH figures AS (
    SELECT _row, claim_id, value, unit_id,
           coalesce('commitment ' || commitment_id, 'indicator ' || indicator_id, 'event ' || event_id)
               AS subject
    FROM claims
    WHERE value IS NOT NULL
)
SELECT 'claims' AS resource, b._row AS row_number, 'value' AS column_name,
       'differs from claim ' || a.claim_id || ' (' || format('{:.15g}', a.value) || coalesce(' ' || a.unit_id, '')
           || ') on ' || a.subject || ' and no discrepancy links the two' AS detail
FROM figures AS a
JOIN figures AS b ON a.subject = b.subject AND a.claim_id < b.claim_id
WHERE (a.value <> b.value OR a.unit_id IS DISTINCT FROM b.unit_id)
  AND NOT EXISTS (
      SELECT 1
      FROM discrepancy_claims AS da
      JOIN discrepancy_claims AS db ON db.discrepancy_id = da.discrepancy_id
      WHERE da.claim_id = a.claim_id AND db.claim_id = b.claim_id
  )
ORDER BY b._row, a.claim_id
