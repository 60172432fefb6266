-- title: Search the quotes
-- description: Which claims mention a word or phrase? Every claim whose verbatim quote contains
--   the text (case-insensitive), with what it is about, the figure it states and its source.
-- param: text VARCHAR -- word or phrase to find in the quotes, e.g. emploi
-- example: python cli.py query search-quotes --param text=emploi
SELECT
    cl.claim_id,
    coalesce(cl.commitment_id, cl.indicator_id, cl.event_id) AS about,
    cl.quote,
    cl.value,
    cl.unit_id,
    s.outlet,
    s.published_on
FROM claims AS cl
JOIN sources AS s USING (source_id)
WHERE contains(lower(cl.quote), lower($text))
ORDER BY s.published_on, cl.claim_id
