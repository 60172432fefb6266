-- title: Context indicators and their sources
-- description: Which background figures were cited, and by whom? Every indicator with its value,
--   unit, period and sector, and each claim that states it: the quote, outlet and date.
-- param: none
-- example: python cli.py query indicators
SELECT
    i.indicator_id,
    i.name_en,
    i.qualifier,
    i.value,
    u.label AS unit,
    i.reference_period,
    sec.name_en AS sector,
    cl.claim_id,
    cl.quote,
    s.outlet,
    s.published_on
FROM indicators AS i
JOIN units AS u USING (unit_id)
JOIN sectors AS sec USING (sector_id)
LEFT JOIN claims AS cl ON cl.indicator_id = i.indicator_id
LEFT JOIN sources AS s ON s.source_id = cl.source_id
ORDER BY i.indicator_id, s.published_on, cl.claim_id
