-- title: Every target and indicator value is stated by one of its claims
-- why: Each figure is tied to a verbatim quote: a commitment's target_value (in its unit) or an
--   indicator's value must equal the value of at least one claim about it. Add that claim, or
--   leave the figure blank.
-- checks: commitments
SELECT 'commitments' AS resource, c._row AS row_number, 'target_value' AS column_name,
       'no claim on ' || c.commitment_id || ' states ' || format('{:.15g}', c.target_value) || coalesce(' ' || c.unit_id, '')
           AS detail
FROM commitments AS c
WHERE c.target_value IS NOT NULL
  AND NOT EXISTS (
      SELECT 1 FROM claims AS k
      WHERE k.commitment_id = c.commitment_id AND k.value = c.target_value
        AND k.unit_id IS NOT DISTINCT FROM c.unit_id
  )
UNION ALL
SELECT 'indicators', i._row, 'value',
       'no claim on ' || i.indicator_id || ' states ' || format('{:.15g}', i.value) || ' ' || i.unit_id
FROM indicators AS i
WHERE i.value IS NOT NULL
  AND NOT EXISTS (
      SELECT 1 FROM claims AS k
      WHERE k.indicator_id = i.indicator_id AND k.value = i.value AND k.unit_id IS NOT DISTINCT FROM i.unit_id
  )
ORDER BY resource, row_number
