"""Sphinx configuration: numpydoc docstrings, autosummary API pages, Markdown pages and the
teaching notebooks (executed at build time) via MyST-NB."""

import shutil
from pathlib import Path

import ncd

HERE = Path(__file__).resolve().parent
# the notebooks live in ../notebooks; Sphinx reads only its own tree, so they are copied in (git-ignored)
(HERE / "notebooks").mkdir(exist_ok=True)
for _nb in sorted((HERE.parent / "notebooks").glob("*.ipynb")):
    shutil.copyfile(_nb, HERE / "notebooks" / _nb.name)

project = "ncd"
author = "the ncd developers"
release = version = ncd.__version__

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.intersphinx",
    "numpydoc",
    "myst_nb",
]
source_suffix = {".rst": "restructuredtext", ".md": "myst-nb", ".ipynb": "myst-nb"}
nb_execution_mode = "force"  # the notebooks are committed without outputs
nb_execution_timeout = 120
nb_execution_raise_on_error = True
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
