"""What a run of either front end needs, owned by neither: where the data is and
what day it is (``context``), and the checks of config.toml's theme (``themes``)
and keys (``keymap``). Standard library only, so ``check`` stays quick."""
