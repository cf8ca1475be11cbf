"""How the project is put together: the rules that keep it readable.

Read with ``ast`` (never by running the code): which modules import which, which string
literals and comparisons the pages hold, and which test module covers each module.
"""
import ast
import re
from pathlib import Path

from wijkdata.model import datasets
from wijkdata.model.schema import INDICATOREN, KINDS

ROOT = Path(__file__).resolve().parents[1]


def imports_of(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def test_the_data_package_never_imports_streamlit():
    offenders = [str(p.relative_to(ROOT)) for p in (ROOT / "wijkdata").rglob("*.py")
                 if "streamlit" in imports_of(p)]
    assert offenders == []


def test_every_indicator_has_a_label_unit_definition_and_source():
    for key, info in INDICATOREN.items():
        assert info.label and info.definition and info.bron, key
        assert info.unit in ("%", "aantal"), key


def test_every_page_file_is_registered_in_the_frame():
    app = (ROOT / "app.py").read_text(encoding="utf-8")
    registered = set(re.findall(r'st\.Page\("(pages/[a-z_]+\.py)"', app))
    on_disk = {f"pages/{p.name}" for p in (ROOT / "pages").glob("*.py")}
    assert registered == on_disk


def test_pages_stay_thin():
    # Joins, group-bys and category logic belong in wijkdata, where they are tested.
    for page in (ROOT / "pages").glob("*.py"):
        text = page.read_text(encoding="utf-8")
        assert ".groupby(" not in text and ".merge(" not in text, page.name


def test_readme_starts_with_the_two_commands():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = readme.split("```bash", 1)[1].split("```", 1)[0].strip().splitlines()
    assert block == ["pip install -r requirements.txt && streamlit run app.py",
                     "pip install -r requirements-dev.txt && python -m pytest"]
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert block[1] in ci


# --- imports between the parts of the package ---------------------------------------------

def module_name(path: Path) -> str:
    """'wijkdata/model/schema.py' -> 'wijkdata.model.schema'; a package's __init__ is the
    package itself."""
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _is_module(name: str) -> bool:
    base = ROOT.joinpath(*name.split("."))
    return base.with_suffix(".py").exists() or (base / "__init__.py").exists()


def wijkdata_imports(path: Path) -> list[tuple[str, bool, int]]:
    """(imported wijkdata module, at module level?, line) for every import in ``path``.

    ``from wijkdata.compute import formulas`` imports the module wijkdata.compute.formulas;
    ``from wijkdata.model.schema import CODE`` the module wijkdata.model.schema. An import
    inside a function runs only when it is called: not at module level.
    """
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = module_name(path)
    if path.name != "__init__.py":
        package = package.rpartition(".")[0]
    found = []

    def visit(node, top: bool):
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.Import):
                found.extend((a.name, top, child.lineno) for a in child.names
                             if a.name.split(".")[0] == "wijkdata")
            elif isinstance(child, ast.ImportFrom):
                if child.level:
                    base = package.split(".")[:len(package.split(".")) - child.level + 1]
                    module = ".".join(base + ([child.module] if child.module else []))
                else:
                    module = child.module or ""
                if module.split(".")[0] == "wijkdata":
                    for alias in child.names:
                        sub = f"{module}.{alias.name}"
                        found.append((sub if _is_module(sub) else module, top, child.lineno))
            inner = top and not isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef,
                                                   ast.Lambda))
            visit(child, inner)

    visit(tree, True)
    return found


def part(module: str) -> str:
    """The part of the package a module belongs to: 'wijkdata.draw.kaart' -> 'draw',
    'wijkdata.formatting' -> 'formatting', the package itself -> 'wijkdata'."""
    names = module.split(".")
    return names[1] if len(names) > 1 else "wijkdata"


# The flow of the package, from the bottom up: a part may import, at module level, only
# parts on its own level or below. Shared helpers at the bottom; the domain model (column
# names, codes, the active data); the ways in (readers) and the store; the figures
# (compute); what is drawn; what is exported; the Data page's checks (upload); the command
# line. The generators of fictitious data sit on top: they use the product, never the other
# way round.
LEVELS = {
    "wijkdata": 0, "errors": 0, "escaping": 0, "formatting": 0, "instellingen": 0, "logs": 0,
    "model": 1,
    "readers": 2, "store": 2,
    "compute": 3,
    "draw": 4,
    "export": 5,
    "upload": 6, "meldingen": 6, "ophalen": 6,
    "cli": 7, "__main__": 7,
    "generators": 8,
}
PACKAGE_FILES = sorted((ROOT / "wijkdata").rglob("*.py"))


def test_every_part_of_the_package_has_a_level():
    parts = {part(module_name(p)) for p in PACKAGE_FILES}
    assert parts - set(LEVELS) == set(), "add the new part to LEVELS"


def test_imports_at_module_level_point_down_the_flow():
    # model <- readers, compute <- draw <- export: a lower part never imports a higher one
    # when it is loaded (model never needs compute, compute never needs draw).
    upward = []
    for path in PACKAGE_FILES:
        importer = module_name(path)
        for imported, top, line in wijkdata_imports(path):
            if top and LEVELS[part(imported)] > LEVELS[part(importer)]:
                upward.append(f"{path.relative_to(ROOT)}:{line} imports {imported}")
    assert upward == []


def test_readers_model_and_compute_never_reach_for_what_is_drawn_or_exported():
    # Not even inside a function: the figures must not depend on how they are shown.
    forbidden = {"draw", "export", "upload", "cli", "generators"}
    found = []
    for path in PACKAGE_FILES:
        importer = module_name(path)
        if part(importer) in ("model", "readers", "compute"):
            found += [f"{path.relative_to(ROOT)}:{line} imports {imported}"
                      for imported, _, line in wijkdata_imports(path)
                      if part(imported) in forbidden]
    assert found == []


def test_only_the_command_line_imports_upload_and_cli():
    found = []
    for path in PACKAGE_FILES:
        importer = part(module_name(path))
        for imported, _, line in wijkdata_imports(path):
            if part(imported) in ("upload", "cli") and importer not in ("cli", "__main__") \
                    and importer != part(imported):
                found.append(f"{path.relative_to(ROOT)}:{line} imports {imported}")
    assert found == []


def test_the_product_never_imports_the_generators():
    # The app reads the committed demo files; only scripts and tests generate data.
    product = [p for p in ROOT.glob("*.py")] + sorted((ROOT / "pages").glob("*.py")) + [
        p for p in PACKAGE_FILES if part(module_name(p)) != "generators"]
    found = [f"{p.relative_to(ROOT)}:{line} imports {imported}" for p in product
             for imported, _, line in wijkdata_imports(p)
             if imported.startswith("wijkdata.generators")]
    assert found == []


# --- pages: load, choose, call, show ----------------------------------------------------

HTML_TAG = re.compile(r"<\s*/?\s*(p|div|span|br|h[1-6]|ul|ol|li|table|tr|td|th|b|i|a|img|"
                      r"section|style|script|small|strong|em)\b[^<>]*>?", re.IGNORECASE)


def string_literals(tree: ast.AST):
    """Every string constant, f-string parts included (ast.walk reaches them)."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            yield node


def test_pages_build_no_html():
    # HTML for the presentation and the reports is made (and escaped) in wijkdata; a page
    # only shows what it gets.
    found = []
    for page in sorted((ROOT / "pages").glob("*.py")):
        tree = ast.parse(page.read_text(encoding="utf-8"))
        found += [f"{page.name}:{node.lineno}: {node.value[:60]!r}"
                  for node in string_literals(tree) if HTML_TAG.search(node.value)]
    assert found == []


# What the data kinds are called: the canonical kinds and the datasets' source kinds.
KIND_VALUES = set(KINDS) | set(datasets.SOURCE_KINDS)
KIND_CONSTANTS = {name for name, value in vars(datasets).items()
                  if name.isupper() and isinstance(value, str) and value in KIND_VALUES}


def _names_a_kind(node: ast.AST, from_datasets: set[str]) -> bool:
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str) and node.value in KIND_VALUES
    if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
        return any(_names_a_kind(e, from_datasets) for e in node.elts)
    if isinstance(node, ast.Name):
        return node.id in from_datasets
    if isinstance(node, ast.Attribute):
        return (isinstance(node.value, ast.Name) and node.value.id == "datasets"
                and node.attr in KIND_CONSTANTS)
    return False


def kind_branches(tree: ast.AST) -> list[int]:
    """Lines where a page compares against a data kind (``kind == "initiatieven"``,
    ``soort in ("buurten", "indicatoren")``, ``bron == datasets.RIVM``) or matches on one."""
    from_datasets = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == "wijkdata.model.datasets":
            from_datasets |= {a.asname or a.name for a in node.names
                              if a.name in KIND_CONSTANTS}
    lines = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Compare):
            if any(_names_a_kind(n, from_datasets) for n in [node.left, *node.comparators]):
                lines.append(node.lineno)
        elif isinstance(node, ast.MatchValue) and _names_a_kind(node.value, from_datasets):
            lines.append(node.lineno)
    return lines


def test_the_kind_check_sees_a_branch_over_kinds():
    assert kind_branches(ast.parse('if kind == "initiatieven":\n    pass')) == [1]
    assert kind_branches(ast.parse('x = soort in ("buurten", "indicatoren")')) == [1]
    assert kind_branches(ast.parse(
        "from wijkdata.model.datasets import RIVM\nif bron != RIVM:\n    pass")) == [2]
    assert kind_branches(ast.parse("if bron == datasets.KERNCIJFERS:\n    pass")) == [1]
    assert kind_branches(ast.parse('match kind:\n    case "buurten":\n        pass')) == [2]
    assert kind_branches(ast.parse('if kolom == "inwoners":\n    pass')) == []


def test_pages_do_not_branch_over_data_kinds():
    # What differs per kind (checks, previews, limits) lives in wijkdata.upload and
    # wijkdata.model.datasets, where it is tested without a browser.
    found = []
    for page in sorted((ROOT / "pages").glob("*.py")):
        tree = ast.parse(page.read_text(encoding="utf-8"))
        found += [f"{page.name}:{line}" for line in kind_branches(tree)]
    assert found == []


# --- a test module for every module with logic ---------------------------------------------

# Module -> the test module that tests it (tests/ holds one flat module per feature).
TEST_MODULES = {
    "wijkdata/cli.py": "test_cli.py",
    "wijkdata/errors.py": "test_errors.py",
    "wijkdata/escaping.py": "test_escaping.py",
    "wijkdata/formatting.py": "test_formatting.py",
    "wijkdata/instellingen.py": "test_instellingen.py",
    "wijkdata/logs.py": "test_logs.py",
    "wijkdata/meldingen.py": "test_meldingen.py",
    "wijkdata/ophalen.py": "test_ophalen.py",
    "wijkdata/store.py": "test_store.py",
    "wijkdata/upload.py": "test_upload.py",
    "wijkdata/model/codes.py": "test_codes.py",
    "wijkdata/model/datasets.py": "test_upload.py",          # "dataset identity" section
    "wijkdata/model/gegevens.py": "test_gegevens.py",
    "wijkdata/model/schema.py": "test_schema.py",
    "wijkdata/readers/__init__.py": "test_textio.py",        # detect_kind, read_file
    "wijkdata/readers/gebieden.py": "test_readers_gebieden.py",
    "wijkdata/readers/indicatoren.py": "test_readers_indicatoren.py",
    "wijkdata/readers/initiatieven.py": "test_readers_initiatieven.py",
    "wijkdata/readers/textio.py": "test_textio.py",
    "wijkdata/compute/buurttabel.py": "test_gegevens.py",     # buurtcijfers, gebiedcijfers
    "wijkdata/compute/bronnen.py": "test_bronnen.py",
    "wijkdata/compute/dubbelen.py": "test_dubbelen.py",
    "wijkdata/compute/formulas.py": "test_formulas.py",
    "wijkdata/compute/witte_vlekken.py": "test_witte_vlekken.py",
    "wijkdata/draw/grafieken.py": "test_grafieken.py",
    "wijkdata/draw/kaart.py": "test_kaart.py",
    "wijkdata/draw/kaartcache.py": "test_kaartcache.py",
    "wijkdata/draw/tabellen.py": "test_tabellen.py",
    "wijkdata/export/images.py": "test_images.py",
    "wijkdata/export/presentatie.py": "test_presentatie.py",
    "wijkdata/export/raadsrapport.py": "test_raadsrapport.py",
    "wijkdata/export/spreadsheets.py": "test_spreadsheets.py",
    "wijkdata/generators/demo.py": "test_demo.py",
    "wijkdata/generators/synthetic.py": "test_synthetic.py",
}
# Modules with a function but no logic of their own worth a module of tests.
WITHOUT_LOGIC = {
    "wijkdata/readers/base.py": "one dataclass (what every reader returns) and its usable() "
                                "condition, exercised by every reader test",
}


def has_logic(path: Path) -> bool:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return any(isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef)) for n in ast.walk(tree))


def test_every_module_with_logic_has_a_test_module():
    with_logic = {str(p.relative_to(ROOT)) for p in PACKAGE_FILES if has_logic(p)}
    assert with_logic - set(TEST_MODULES) - set(WITHOUT_LOGIC) == set(), \
        "name the new module's test module in TEST_MODULES"
    missing = {module: test for module, test in TEST_MODULES.items()
               if not (ROOT / "tests" / test).exists()}
    assert missing == {}


def test_the_test_map_names_only_modules_that_exist():
    gone = [m for m in [*TEST_MODULES, *WITHOUT_LOGIC] if not (ROOT / m).exists()]
    assert gone == []
