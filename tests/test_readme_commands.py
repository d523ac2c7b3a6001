"""README's `minigrad ...` commands: it says how to run them after `make demo` (`.venv/bin/minigrad`,
installed by `make demo`'s `pip install -e .` through setup.cfg's console script), and every one of
them parses with today's command line (subcommand and options exist; nothing is run)."""
import configparser
import importlib
import os
import re
import shlex

import pytest

from minigrad import bench, cli

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
README = open(os.path.join(ROOT, 'README.md')).read()
COMMAND = re.compile(r'(?:^ {4}|`)((?:\.venv/bin/)?minigrad (?:[a-z][^`#\n]*))', re.M)


def readme_commands():
    found = []
    for match in COMMAND.finditer(README):
        text = match.group(1).strip()
        if text.startswith(('minigrad testing', 'minigrad.')) or '<' in text:
            continue
        found.append(text)
    return sorted(set(found))


def test_readme_says_how_to_run_them_and_make_demo_makes_it_true():
    assert 'run as `.venv/bin/minigrad ...`' in README
    config = configparser.ConfigParser()
    config.read(os.path.join(ROOT, 'setup.cfg'))
    assert 'minigrad = minigrad.cli:main' in config['options.entry_points']['console_scripts']
    makefile = open(os.path.join(ROOT, 'Makefile')).read()
    assert re.search(r'^deps-demo:.*\n\t\$\(PIP\) install --quiet -e \.', makefile, re.M)
    assert re.search(r'^demo: deps-demo', makefile, re.M)


@pytest.mark.parametrize('command', readme_commands())
def test_every_readme_command_parses(command):
    argv = shlex.split(command)[1:]
    if argv[0] == 'bench':
        name, options = argv[1], argv[2:]
        module = dict(bench.BENCHMARKS, **bench.EXTRA).get(name)
        if name == 'all':
            from minigrad.bench.common import base_parser
            base_parser('minigrad bench all', '').parse_args(options)
            return
        assert module, f"README names an unknown benchmark: {command}"
        importlib.import_module(f'minigrad.bench.{module}').parser().parse_args(options)
        return
    options = [a for a in argv if a != '--help']
    args = cli.build_parser().parse_args(options)
    assert getattr(args, 'run', None), command
