"""``python -m bench [links|loadtest] [OPTIONS]``; see :mod:`bench`."""

import sys

COMMANDS = {
    "links": "bench.linkcheck",  # the link checker against its peers
    "loadtest": "bench.loadtest",  # load a running feedback service
}


def main(argv: list[str]) -> int:
    if argv and argv[0] in COMMANDS:
        from importlib import import_module

        return import_module(COMMANDS[argv[0]]).main(argv[1:])
    if argv:
        print(f"usage: python -m bench [{'|'.join(COMMANDS)}] [OPTIONS]\n"
              "  (no command: the whole benchmark, `make bench`, set through BENCH_* variables; see bench/README.md)",
              file=sys.stderr)
        return 2
    from .run import main as run

    return run()


sys.exit(main(sys.argv[1:]))
