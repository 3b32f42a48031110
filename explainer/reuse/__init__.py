"""The reuse layer: what a run of the engine may take over from the run before.

The stages never import it; engine.run asks it (the `Reuse` protocol) what it can lend and which
pages to render. session.py keeps it in memory for the preview server (keys.py: content keys and
what an edit changed; templates.py: which templates use which; search.py: the search index after
a pause); disk.py and ci.py keep the same session on disk between CI builds (`build --cache`).
"""
