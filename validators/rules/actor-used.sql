-- title: Every actor is used somewhere
-- why: An actor no commitment, party, claim or event refers to is dead weight, often left behind
--   by a renamed id; refer to it (owner, party, speaker, organiser, patron) or remove it and its aliases.
-- checks: actors
SELECT 'actors' AS resource, a._row AS row_number, 'actor_id' AS column_name,
       'not an owner, party, speaker, organiser or patron anywhere' AS detail
FROM actors AS a
WHERE a.actor_id NOT IN (SELECT owner_actor_id FROM commitments WHERE owner_actor_id IS NOT NULL)
  AND a.actor_id NOT IN (SELECT actor_id FROM commitment_parties WHERE actor_id IS NOT NULL)
  AND a.actor_id NOT IN (SELECT speaker_actor_id FROM claims WHERE speaker_actor_id IS NOT NULL)
  AND a.actor_id NOT IN (SELECT organiser_actor_id FROM events WHERE organiser_actor_id IS NOT NULL)
  AND a.actor_id NOT IN (SELECT patron_actor_id FROM events WHERE patron_actor_id IS NOT NULL)
ORDER BY a._row
