"""Our own file formats: the JSON document and the orders CSV that ``export``
writes and ``import`` reads back. Below both the store and the import pipeline."""
