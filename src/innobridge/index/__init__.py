"""The glue between the features' documents and the search engine: the index service that follows the
database (service.py), every feature's declaration gathered through the manifest (catalogue.py), and
registry-wide search with facets (faceted.py, records.py)."""
