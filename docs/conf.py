"""Sphinx configuration: numpydoc docstrings, autosummary API pages, Markdown pages via MyST."""

import ncd

project = "ncd"
author = "the ncd developers"
release = version = ncd.__version__

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.intersphinx",
    "numpydoc",
    "myst_parser",
]
source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
exclude_patterns = ["_build", "generated/*.bad", "bad_inputs.py"]
autosummary_generate = True
templates_path = ["_templates"]
# scikit-learn's metadata-routing setters and inherited scoring refer to its own docs' labels
autodoc_default_options = {
    "members": True,
    "exclude-members": "set_fit_request,set_partial_fit_request,set_predict_request,set_predict_proba_request,"
                       "set_score_request,set_transform_request,set_output,score",
}
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
myst_heading_anchors = 3
intersphinx_mapping = {}
html_theme = "alabaster"
html_static_path = []
suppress_warnings = ["myst.header"]  # the benchmark tables are included pages with their own titles
