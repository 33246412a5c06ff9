DROP TABLE ticket_materials;
DROP TABLE ticket_engineers;
DROP TABLE tickets;
DROP TABLE fee_items;
DROP TABLE follow_up_visits;
DROP TABLE timeline_entries;
DROP TABLE number_sequences;
