"""The public static site: plain records, pages, templates, charts, search index, writer."""
