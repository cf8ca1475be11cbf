"""How the project is put together: the rules that keep it readable."""
import ast
import re
from pathlib import Path

from wijkdata.model.schema import INDICATOREN

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
