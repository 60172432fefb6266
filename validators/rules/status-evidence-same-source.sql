-- title: A status row's evidence claim comes from the row's source
-- why: source_id says where the status was read; the claim_id quoting it must come from that same
--   source, or the evidence points at a different text.
-- checks: status_updates
SELECT 'status_updates' AS resource, s._row AS row_number, 'claim_id' AS column_name,
       'claim ' || k.claim_id || ' is from ' || k.source_id || ', the row from ' || s.source_id AS detail
FROM status_updates AS s
JOIN claims AS k ON k.claim_id = s.claim_id
WHERE k.source_id <> s.source_id
ORDER BY s._row
