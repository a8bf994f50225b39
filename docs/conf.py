"""Sphinx configuration: numpydoc docstrings, autosummary API pages, Markdown pages and the
teaching notebooks (rendered as committed, executed) via MyST-NB, in the PyData theme."""

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
# the notebooks are committed executed (notebooks/build.py) and tests/test_notebooks.py checks that their outputs
# are those of their source: the build renders them as they are, and takes no time nor risk executing them
nb_execution_mode = "off"
nb_output_stderr = "warn"  # a warning in a committed notebook fails the build (-W): none may greet a reader
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
html_theme = "pydata_sphinx_theme"
html_title = "ncd"  # the default, "ncd 0.1.0 documentation", crowds the navbar; the switcher shows the version
html_static_path = ["_static"]
html_context = {"default_mode": "auto"}  # light or dark as the reader's system prefers; the navbar button switches
html_theme_options = {
    # _static/switcher.json lists the published versions (tests/test_docs.py checks that it names this one);
    # the json_url is relative to the site's root, so the switcher works wherever the site is served
    "switcher": {"json_url": "_static/switcher.json", "version_match": version},
    "navbar_end": ["version-switcher", "theme-switcher", "navbar-icon-links"],
    "header_links_before_dropdown": 4,
    "navbar_align": "left",
    "navbar_persistent": ["search-button"],  # an icon: the search field pushed the navbar onto two rows
}
# pages without subpages: no empty "Section Navigation" column beside them
html_sidebars = {page: [] for page in ["index", "install", "guide/*", "bad_inputs", "benchmarks"]}
suppress_warnings = ["myst.header"]  # the benchmark tables are included pages with their own titles
