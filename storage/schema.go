package storage

// ApplicationID marks a SQLite database as a Rampart model ("RAMP").
const ApplicationID = 0x52414D50

// migrations bring a file from one format version to the next: entry i
// turns version i into version i+1. A file's version is its user_version.
// Never edit a migration that has shipped; add one.
var migrations = []string{
	// 1: the first format.
	`
CREATE TABLE model_info (
	id          INTEGER PRIMARY KEY CHECK (id = 1),
	name        TEXT NOT NULL,
	description TEXT NOT NULL,
	version     TEXT NOT NULL,
	scope       TEXT NOT NULL,
	assumptions TEXT NOT NULL,
	created     TEXT NOT NULL,
	modified    TEXT NOT NULL
);
CREATE TABLE authors (
	seq  INTEGER PRIMARY KEY,
	name TEXT NOT NULL
);
CREATE TABLE diagrams (
	id      TEXT PRIMARY KEY,
	name    TEXT NOT NULL,
	refines TEXT REFERENCES elements(id) DEFERRABLE INITIALLY DEFERRED
);
CREATE TABLE elements (
	id          TEXT PRIMARY KEY,
	kind        TEXT NOT NULL CHECK (kind IN ('process', 'external_entity', 'data_store', 'data_flow', 'trust_boundary')),
	diagram_id  TEXT NOT NULL REFERENCES diagrams(id) DEFERRABLE INITIALLY DEFERRED,
	name        TEXT NOT NULL,
	description TEXT NOT NULL,
	x REAL NOT NULL, y REAL NOT NULL, w REAL NOT NULL, h REAL NOT NULL,
	source      TEXT NOT NULL,
	target      TEXT NOT NULL,
	out_of_scope        INTEGER NOT NULL,
	out_of_scope_reason TEXT NOT NULL
);
CREATE INDEX elements_by_diagram ON elements(diagram_id);
CREATE TABLE element_points (
	element_id TEXT NOT NULL REFERENCES elements(id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
	seq        INTEGER NOT NULL,
	x REAL NOT NULL, y REAL NOT NULL,
	PRIMARY KEY (element_id, seq)
) WITHOUT ROWID;
CREATE TABLE element_props (
	element_id TEXT NOT NULL REFERENCES elements(id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
	key        TEXT NOT NULL,
	value      TEXT NOT NULL,
	PRIMARY KEY (element_id, key)
) WITHOUT ROWID;
CREATE TABLE assets (
	id              TEXT PRIMARY KEY,
	name            TEXT NOT NULL,
	description     TEXT NOT NULL,
	classification  TEXT NOT NULL,
	confidentiality TEXT NOT NULL,
	integrity       TEXT NOT NULL,
	availability    TEXT NOT NULL
);
CREATE TABLE element_assets (
	element_id TEXT NOT NULL REFERENCES elements(id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
	asset_id   TEXT NOT NULL REFERENCES assets(id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
	PRIMARY KEY (element_id, asset_id)
) WITHOUT ROWID;
CREATE TABLE threats (
	id            TEXT PRIMARY KEY,
	number        INTEGER NOT NULL,
	rule_id       TEXT NOT NULL,
	element_id    TEXT NOT NULL REFERENCES elements(id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
	title         TEXT NOT NULL,
	category      TEXT NOT NULL,
	description   TEXT NOT NULL,
	likelihood    TEXT NOT NULL,
	impact        TEXT NOT NULL,
	status        TEXT NOT NULL,
	justification TEXT NOT NULL,
	mitigation    TEXT NOT NULL,
	manual        INTEGER NOT NULL,
	obsolete      INTEGER NOT NULL,
	risk_set      INTEGER NOT NULL,
	dread_damage          INTEGER,
	dread_reproducibility INTEGER,
	dread_exploitability  INTEGER,
	dread_affected_users  INTEGER,
	dread_discoverability INTEGER,
	CHECK ((dread_damage IS NULL) = (dread_discoverability IS NULL))
);
CREATE INDEX threats_by_element ON threats(element_id);
CREATE TABLE threat_facts (
	threat_id TEXT NOT NULL REFERENCES threats(id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
	seq       INTEGER NOT NULL,
	text      TEXT NOT NULL,
	PRIMARY KEY (threat_id, seq)
) WITHOUT ROWID;
CREATE TABLE threat_refs (
	threat_id TEXT NOT NULL REFERENCES threats(id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
	seq       INTEGER NOT NULL,
	ref       TEXT NOT NULL,
	PRIMARY KEY (threat_id, seq)
) WITHOUT ROWID;
CREATE TABLE suppressions (
	rule_id       TEXT NOT NULL,
	element_id    TEXT NOT NULL,
	justification TEXT NOT NULL,
	PRIMARY KEY (rule_id, element_id)
) WITHOUT ROWID;
`,
	// 2: rule sets that travel with the model (a TMT knowledge base).
	`
CREATE TABLE rule_sets (
	name   TEXT PRIMARY KEY,
	format TEXT NOT NULL,
	data   TEXT NOT NULL
) WITHOUT ROWID;
`,
	// 3: attack trees.
	`
CREATE TABLE attack_trees (
	id     TEXT PRIMARY KEY,
	name   TEXT NOT NULL,
	target TEXT NOT NULL,
	root   TEXT NOT NULL
);
CREATE TABLE tree_nodes (
	tree_id     TEXT NOT NULL REFERENCES attack_trees(id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
	id          TEXT NOT NULL,
	parent      TEXT NOT NULL,
	position    INTEGER NOT NULL,
	label       TEXT NOT NULL,
	gate        TEXT NOT NULL CHECK (gate IN ('leaf', 'or', 'and')),
	threat_id   TEXT NOT NULL,
	element_id  TEXT NOT NULL,
	cost        REAL NOT NULL,
	probability REAL NOT NULL,
	skill       TEXT NOT NULL,
	defense     TEXT NOT NULL,
	defended    INTEGER NOT NULL,
	PRIMARY KEY (tree_id, id)
) WITHOUT ROWID;
`,
	// 4: the audit trail of edits.
	`
CREATE TABLE changes (
	seq      INTEGER PRIMARY KEY,
	at       TEXT NOT NULL,
	author   TEXT NOT NULL,
	action   TEXT NOT NULL,
	subjects TEXT NOT NULL,
	undone   INTEGER NOT NULL
);
`,
	// 5: how far each threat rests on what the model states.
	`
ALTER TABLE threats ADD COLUMN confidence TEXT NOT NULL DEFAULT 'confirmed' CHECK (confidence IN ('confirmed', 'assumed'));
ALTER TABLE threats ADD COLUMN assumes TEXT NOT NULL DEFAULT '';
`,
	// 6: roles, where an imported model came from, and which tool
	// recorded an imported threat.
	`
ALTER TABLE model_info ADD COLUMN owner TEXT NOT NULL DEFAULT '';
ALTER TABLE model_info ADD COLUMN reviewer TEXT NOT NULL DEFAULT '';
ALTER TABLE model_info ADD COLUMN source_tool TEXT NOT NULL DEFAULT '';
ALTER TABLE model_info ADD COLUMN source_file TEXT NOT NULL DEFAULT '';
ALTER TABLE model_info ADD COLUMN source_sha256 TEXT NOT NULL DEFAULT '';
ALTER TABLE model_info ADD COLUMN source_imported TEXT NOT NULL DEFAULT '';
ALTER TABLE model_info ADD COLUMN source_notes TEXT NOT NULL DEFAULT '';
ALTER TABLE threats ADD COLUMN origin TEXT NOT NULL DEFAULT '';
`,
	// 7: what a merge of two versions could not settle.
	`
CREATE TABLE conflicts (
	id      TEXT PRIMARY KEY,
	what    TEXT NOT NULL,
	subject TEXT NOT NULL,
	name    TEXT NOT NULL,
	field   TEXT NOT NULL,
	base    TEXT NOT NULL,
	ours    TEXT NOT NULL,
	theirs  TEXT NOT NULL
) WITHOUT ROWID;
`,
}

// Version is the file format this Rampart writes.
var Version = len(migrations)

// tables lists every table of the current format, children after parents,
// so clearing them in reverse order respects foreign keys.
var tables = []string{"model_info", "authors", "diagrams", "elements", "element_points", "element_props",
	"assets", "element_assets", "threats", "threat_facts", "threat_refs", "suppressions", "rule_sets", "attack_trees", "tree_nodes", "changes", "conflicts"}
