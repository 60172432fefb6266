-- title: Every actor's name is one of its aliases
-- why: The canonical name must be a spelling found in a seed, located verbatim in actor_aliases;
--   a name typed from memory is not evidence. Add the alias with its offsets or copy the name
--   from an existing alias.
-- checks: actors
SELECT 'actors' AS resource, a._row AS row_number, 'name' AS column_name,
       'no actor_aliases row of ' || a.actor_id || ' has this spelling' AS detail
FROM actors AS a
WHERE NOT EXISTS (
    SELECT 1 FROM actor_aliases AS l WHERE l.actor_id = a.actor_id AND l.alias = a.name
)
ORDER BY a._row
