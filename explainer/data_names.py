"""The files of /data/ (made by data_export; named here so the page list needs no more than this)."""
SCHEMAS = ("timeline", "entities", "glossary", "graph")
DATA_FILES = ("timeline.json", "timeline.csv", "entities.json", "entities.csv", "glossary.json", "graph.json",
              *(f"schemas/{name}.schema.json" for name in SCHEMAS))
