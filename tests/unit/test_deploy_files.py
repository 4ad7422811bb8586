"""Dockerfile, compose.yaml and deploy/nginx.conf (Docker cannot run here): what they run exists in the project,
the files they copy or mount exist, and every MADOGUCHI_* variable they set is a real setting."""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path
from typing import Any

import pytest
import typer
import yaml

from bot.cli.main import app
from bot.config import Settings

REPO = Path(__file__).resolve().parents[2]
PREFIX = "MADOGUCHI_"


# --- parsing -------------------------------------------------------------------------------------


def dockerfile() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) per logical line: continuations joined, comments dropped."""
    out: list[tuple[str, str]] = []
    pending = ""
    for raw in (REPO / "Dockerfile").read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not pending and (not line or line.startswith("#")):
            continue
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        line = pending + line
        pending = ""
        instruction, _, args = line.partition(" ")
        out.append((instruction.upper(), args.strip()))
    return out


def stages() -> list[list[tuple[str, str]]]:
    """The Dockerfile's build stages, each a list of its instructions (FROM first)."""
    out: list[list[tuple[str, str]]] = []
    for instruction, args in dockerfile():
        if instruction == "FROM":
            out.append([])
        out[-1].append((instruction, args))
    return out


def exec_form(args: str) -> list[str]:
    """A JSON exec-form command (["a", "b"]) or a shell-form one split like a shell would."""
    return [str(a) for a in json.loads(args)] if args.startswith("[") else shlex.split(args)


def env_pairs(args: str) -> dict[str, str]:
    """The KEY=value pairs of an ENV instruction."""
    return dict(pair.split("=", 1) for pair in shlex.split(args))


def compose() -> dict[str, Any]:
    """compose.yaml as data."""
    data: dict[str, Any] = yaml.safe_load((REPO / "compose.yaml").read_text(encoding="utf-8"))
    return data


def madoguchi_services() -> dict[str, dict[str, Any]]:
    """The compose services that run the madoguchi image."""
    return {name: svc for name, svc in compose()["services"].items() if "build" in svc or "madoguchi" in str(svc.get("image"))}


# --- the project's side ---------------------------------------------------------------------------


CLI = typer.main.get_command(app)


def check_madoguchi_command(argv: list[str]) -> None:
    """``madoguchi <sub> [--options]``: the subcommand exists and takes every option given."""
    assert argv[0] == "madoguchi", argv
    commands: dict[str, Any] = getattr(CLI, "commands", {})
    command = commands.get(argv[1])
    assert command is not None, f"`madoguchi {argv[1]}` is not a command (have: {sorted(commands)})"
    known = {opt for param in command.params for opt in param.opts}
    for arg in argv[2:]:
        if arg.startswith("--"):
            assert arg.split("=", 1)[0] in known, f"`madoguchi {argv[1]}` has no option {arg}"


def check_setting(name: str) -> None:
    """A MADOGUCHI_* variable names a Settings field."""
    field = name.removeprefix(PREFIX).lower()
    assert field in Settings.model_fields, f"{name} is not a setting (bot/config.py)"


# --- Dockerfile ------------------------------------------------------------------------------------


def test_dockerfile_builds_in_a_builder_stage_and_runs_slim_as_non_root() -> None:
    builder, runtime = stages()[0], stages()[-1]
    assert len(stages()) >= 2
    runs = [exec_form(args) for instruction, args in builder if instruction == "RUN"]
    assert ["madoguchi", "ingest"] in runs, "the builder bakes the index with `madoguchi ingest`"
    assert any(args.startswith("--from=") for instruction, args in runtime if instruction == "COPY")
    users = [args for instruction, args in runtime if instruction == "USER"]
    assert users and users[-1].split(":")[0] not in ("root", "0")
    assert ("EXPOSE", "8000") in runtime


def test_dockerfile_commands_exist_in_the_cli() -> None:
    runtime = stages()[-1]
    cmd = [exec_form(args) for instruction, args in runtime if instruction == "CMD"][-1]
    assert cmd[:4] == ["madoguchi", "serve", "--host", "0.0.0.0"]
    check_madoguchi_command(cmd)
    for stage in stages():
        for instruction, args in stage:
            if instruction == "RUN" and args.startswith("madoguchi"):
                check_madoguchi_command(exec_form(args))


def test_dockerfile_healthcheck_calls_healthz_which_the_app_serves() -> None:
    from bot.web.routes_misc import router

    checks = [args for instruction, args in stages()[-1] if instruction == "HEALTHCHECK"]
    assert checks and "/healthz" in checks[0] and ":8000/" in checks[0]
    assert "/healthz" in {getattr(route, "path", "") for route in router.routes}


def test_dockerfile_copies_files_that_exist_and_are_not_dockerignored() -> None:
    ignored = {line.strip().rstrip("/") for line in (REPO / ".dockerignore").read_text().splitlines()
               if line.strip() and not line.startswith("#")}
    for instruction, args in dockerfile():
        if instruction == "COPY" and not args.startswith("--from"):
            *sources, _dest = shlex.split(args)
            for source in sources:
                assert (REPO / source).exists(), f"COPY {source}: no such file in the project"
                assert source.rstrip("/") not in ignored, f"COPY {source}: excluded by .dockerignore"


def test_dockerfile_env_vars_are_settings() -> None:
    names = [key for instruction, args in dockerfile() if instruction == "ENV" for key in env_pairs(args)]
    assert any(n.startswith(PREFIX) for n in names)
    for name in names:
        if name.startswith(PREFIX):
            check_setting(name)


# --- compose.yaml ----------------------------------------------------------------------------------


def test_compose_has_the_scaled_setup() -> None:
    services = compose()["services"]
    assert {"madoguchi", "chroma", "postgres", "redis", "lb", "vllm"} <= set(services)
    assert int(str(services["madoguchi"]["deploy"]["replicas"]).split(":-")[-1].rstrip("}")) >= 2
    assert "llm" in services["vllm"]["profiles"]
    assert "run" in services["chroma"]["command"]


@pytest.mark.parametrize("name", sorted(madoguchi_services()))
def test_compose_commands_exist_in_the_cli(name: str) -> None:
    command = madoguchi_services()[name]["command"]
    argv = command if isinstance(command, list) else shlex.split(command)
    assert argv[:1] == ["madoguchi"], f"{name} does not run madoguchi: {argv}"
    check_madoguchi_command(argv)


def test_compose_env_vars_are_settings_and_point_at_the_services() -> None:
    services = compose()["services"]
    for name, svc in madoguchi_services().items():
        env = svc["environment"]
        for key in env:
            if key.startswith(PREFIX):
                check_setting(key)
        for key, service in (("MADOGUCHI_CHROMA_URL", "chroma"), ("MADOGUCHI_REDIS_URL", "redis"),
                             ("MADOGUCHI_DATABASE_URL", "postgres")):
            assert f"{service}:" in str(env[key]) and service in services, f"{name}: {key} → {service}"
    trusted = str(services["madoguchi"]["environment"]["MADOGUCHI_TRUSTED_PROXIES"])
    assert trusted == services["lb"]["networks"]["backend"]["ipv4_address"]  # only nginx may set X-Forwarded-For


def test_compose_mounts_and_builds_files_that_exist() -> None:
    for name, svc in compose()["services"].items():
        if "build" in svc:
            context = svc["build"] if isinstance(svc["build"], str) else svc["build"].get("context", ".")
            assert (REPO / context / "Dockerfile").exists(), name
        for volume in svc.get("volumes", []):
            source = str(volume).split(":", 1)[0]
            if source.startswith("./"):
                assert (REPO / source).exists(), f"{name} mounts {source}, which does not exist"


# --- nginx -----------------------------------------------------------------------------------------


def test_nginx_balances_over_the_workers_port() -> None:
    conf = (REPO / "deploy" / "nginx.conf").read_text(encoding="utf-8")
    servers = re.findall(r"^\s*server\s+([\w.-]+):(\d+)", conf, flags=re.MULTILINE)
    command = compose()["services"]["madoguchi"]["command"]
    port = command[command.index("--port") + 1]
    assert servers == [("madoguchi", port)]
    assert re.search(r"proxy_pass\s+http://madoguchi_workers;", conf)
    assert "proxy_buffering off" in conf  # SSE answers stream through
    assert re.search(r"proxy_set_header\s+X-Forwarded-For", conf)
