"""Pure shared modules: facts and helpers every layer may use (Norwegian identifiers, the standard
background dimensions, ...). Not a Django app: no models, no settings, no Django import, and no
import of any other ``medvirk`` package (import-linter checks both, see ``pyproject.toml``)."""
