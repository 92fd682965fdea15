"""`makemessages` for one app: its Python files and its templates under templates/<app>/.

Each app keeps its own catalog in <app>/locale, so apps can be translated independently.
The shell (templates outside an app folder) goes to locale/ with `--app shell`.
"""

from __future__ import annotations

import os
from typing import Any

from django.conf import settings
from django.core.management.commands import makemessages


class Command(makemessages.Command):
    help = "Extract translatable strings of one app (code + templates/<app>/) into <app>/locale."

    def add_arguments(self, parser: Any) -> None:
        super().add_arguments(parser)
        parser.add_argument("--app", required=True, help="app label, or 'shell' for base templates")

    def handle(self, *args: Any, **options: Any) -> None:
        self.app = options["app"]
        if not options.get("locale"):
            options["locale"] = ["zh_Hans"]
        options["ignore_patterns"] = [*options.get("ignore_patterns", []), ".venv/*", "node_modules/*", "var/*"]
        base = str(settings.BASE_DIR)
        if self.app == "shell":
            self.target = os.path.join(base, "locale")
            self.roots = [os.path.join(base, "templates")]
            self.exclude = [
                os.path.join(base, "templates", d)
                for d in os.listdir(os.path.join(base, "templates"))
                if d in {"enterprises", "hazards", "credit", "emergency", "assessment"}
            ]
            self.roots.append(os.path.join(base, "safety_platform"))
        else:
            self.target = os.path.join(base, self.app, "locale")
            self.roots = [os.path.join(base, self.app), os.path.join(base, "templates", self.app)]
            self.exclude = []
        os.makedirs(self.target, exist_ok=True)
        super().handle(*args, **options)

    def find_files(self, root: str) -> list[Any]:
        files = super().find_files(root)
        keep = []
        for f in files:
            path = os.path.abspath(f.dirpath)
            if any(path == r or path.startswith(r + os.sep) for r in self.roots) and not any(
                path == e or path.startswith(e + os.sep) for e in self.exclude
            ):
                f.locale_dir = self.target
                keep.append(f)
        return keep
