"""The exchange commands of `nmrf`: keys, packs, bundles, conflicts, data entry, demo."""

from __future__ import annotations

import argparse
import datetime as dt
import getpass
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from nmrf_desktop.bundles.bundle_file import BundleRejected
from nmrf_desktop.bundles.pack_file import PackRejected
from nmrf_desktop.cli.common import (
    DAYS,
    Subparsers,
    counting,
    iso_date,
    open_from_args,
    print_json,
)
from nmrf_desktop.domain.entry import ActionDraft, InvalidEntry, ProgressDraft
from nmrf_desktop.domain.enums import ActionKind, ActionStatus, ImplementationStatus
from nmrf_desktop.services import entry
from nmrf_desktop.services.assigning import UnknownAgency
from nmrf_desktop.services.catalog import ids_for_references
from nmrf_desktop.services.entry import StaleEdit
from nmrf_desktop.services.exchange import bundle_export, bundle_import, conflicts, keys, packs
from nmrf_desktop.services.exchange.agency import laptop_agency
from nmrf_desktop.services.exchange.bundle_export import ExportRefused
from nmrf_desktop.services.exchange.conflicts import ResolveRefused
from nmrf_desktop.services.exchange.keys import KeyRefused, passphrase_from
from nmrf_desktop.services.exchange.roundtrip import RoundtripFailed, demo_roundtrip


class ExchangeError(Exception):
    """A user mistake or a refused exchange: one line on stderr, exit code 1."""


# Exceptions that mean "refused, with a reason for the user": one line, exit 1.
REFUSALS: tuple[type[Exception], ...] = (
    ExchangeError, BundleRejected, PackRejected, InvalidEntry, UnknownAgency, ExportRefused,
    ResolveRefused, StaleEdit, KeyRefused, RoundtripFailed)


# --agency of `action add` and `progress add`.
AGENCY_HELP = ("the agency whose work this is (see `nmrf agencies`); needed on the central "
               "record, which has no agency of its own; default: this laptop's agency (from "
               "its pack, or the organisation's policy)")


def register(sub: Subparsers) -> None:
    """Add the exchange commands to the `nmrf` parser."""
    pw = argparse.ArgumentParser(add_help=False)
    pw.add_argument("--passphrase-file", type=Path,
                    help="read the key passphrase from this file (else $NMRF_KEY_PASSPHRASE, "
                    "else ask)")

    keys = sub.add_parser("keys", help="signing keys: create, export, register, revoke, list")
    ks = keys.add_subparsers(dest="action", required=True, metavar="ACTION")
    c = ks.add_parser("create", parents=[pw], help="create this laptop's (or central's) key")
    c.add_argument("--central", action="store_true", help="the central record's signing key")
    e = ks.add_parser("export-public", help="write the public key for registration")
    e.add_argument("--out", type=Path, required=True)
    e.add_argument("--central", action="store_true")
    r = ks.add_parser("register", help="central: accept an officer's public key")
    r.add_argument("public_key", type=Path)
    r.add_argument("--officer", required=True)
    r.add_argument("--agency", required=True)
    r.add_argument("--valid-days", type=counting(1, DAYS), default=730, metavar="DAYS")
    r.add_argument("--replaces", metavar="KEY_ID", help="rotate: revoke this older key")
    v = ks.add_parser("revoke", help="central: stop accepting a key")
    v.add_argument("key_id")
    ks.add_parser("list", help="the key registry").add_argument("--json", action="store_true")

    pack = sub.add_parser("pack", help="packs from the central record to an agency")
    ps = pack.add_subparsers(dest="action", required=True, metavar="ACTION")
    pe = ps.add_parser("export", parents=[pw], help="central: write an agency's signed pack")
    pe.add_argument("--agency", required=True)
    pe.add_argument("--out", type=Path, required=True)
    pe.add_argument("--valid-days", type=counting(1, DAYS), default=90, metavar="DAYS")
    ps.add_parser("import", help="laptop: verify and import a pack").add_argument(
        "file", type=Path)

    bundle = sub.add_parser("bundle", help="update bundles from an officer to the centre")
    bs = bundle.add_subparsers(dest="action", required=True, metavar="ACTION")
    be = bs.add_parser("export", parents=[pw], help="laptop: every unsent change, signed")
    be.add_argument("--out", required=True, metavar="FILE|FOLDER",
                    help="the bundle file, or a folder to write it in under its own name "
                    "(AGENCY-Officer-Name-00012.nmrfbundle)")
    be.add_argument("--force", action="store_true", help="replace FILE if it exists")
    bs.add_parser("verify", help="central: check a bundle, change nothing").add_argument(
        "file", type=Path)
    bi = bs.add_parser("import", help="central: verify and merge bundles")
    bi.add_argument("files", type=Path, nargs="+")
    bi.add_argument("--json", action="store_true")

    conf = sub.add_parser("conflicts", help="conflicts between bundles and the record")
    cs = conf.add_subparsers(dest="action", required=True, metavar="ACTION")
    cl = cs.add_parser("list", help="open conflicts")
    cl.add_argument("--json", action="store_true")
    cl.add_argument("--all", action="store_true", help="resolved ones too")
    cr = cs.add_parser("resolve", help="decide a conflict")
    cr.add_argument("conflict_id")
    choice = cr.add_mutually_exclusive_group(required=True)
    choice.add_argument("--keep-current", dest="choice", action="store_const",
                        const="keep-current")
    choice.add_argument("--take-incoming", dest="choice", action="store_const",
                        const="take-incoming")
    choice.add_argument("--acknowledge", dest="choice", action="store_const",
                        const="acknowledge", help="a soft conflict: seen, nothing to change")
    choice.add_argument("--value", help="set this value instead (JSON or plain text)")

    action = sub.add_parser("action", help="record actions")
    acs = action.add_subparsers(dest="action", required=True, metavar="ACTION")
    aa = acs.add_parser("add", help="add an action answering one or more recommendations")
    aa.add_argument("--rec", action="extend", nargs="+", required=True, metavar="REFERENCE",
                    help="the recommendations it answers: --rec A B, or --rec A --rec B")
    aa.add_argument("--title", required=True)
    aa.add_argument("--description", default="")
    aa.add_argument("--agency", metavar="CODE", help=AGENCY_HELP)
    aa.add_argument("--kind", choices=[k.value for k in ActionKind], default="other")
    aa.add_argument("--status", choices=[s.value for s in ActionStatus], default="planned")
    aa.add_argument("--start", type=iso_date)
    aa.add_argument("--target", type=iso_date)
    aa.add_argument("--completed", type=iso_date)
    aa.add_argument("--public", action="store_true")
    aa.add_argument("--evidence", type=Path, action="append", default=[], metavar="FILE")

    prog = sub.add_parser("progress", help="record progress updates")
    prs = prog.add_subparsers(dest="action", required=True, metavar="ACTION")
    pa = prs.add_parser("add", help="add a dated progress update to a recommendation")
    pa.add_argument("--rec", required=True, metavar="REFERENCE")
    pa.add_argument("--status", required=True, choices=[s.value for s in ImplementationStatus])
    pa.add_argument("--text", required=True)
    pa.add_argument("--agency", metavar="CODE", help=AGENCY_HELP)
    pa.add_argument("--as-of", type=iso_date, default=None)
    pa.add_argument("--public", action="store_true")

    demo = sub.add_parser("demo", help="demonstrations on the bundled real data")
    ds = demo.add_subparsers(dest="action", required=True, metavar="ACTION")
    ds.add_parser("roundtrip", help="central ⇄ three officers, with conflicts").add_argument(
        "--workdir", type=Path, required=True)


def _passphrase(args: argparse.Namespace, confirm: bool = False,
                check: Callable[[bytes], None] | None = None) -> bytes:
    """The passphrase from --passphrase-file, $NMRF_KEY_PASSPHRASE or asked; a new one
    (`confirm`) is judged by `check` before it is asked for again."""
    def ask() -> str:
        if not sys.stdin.isatty():
            raise KeyRefused("no passphrase: set NMRF_KEY_PASSPHRASE or use --passphrase-file")
        first = getpass.getpass("Key passphrase: ")
        if check is not None:
            check(first.encode("utf-8"))
        if confirm and getpass.getpass("Repeat passphrase: ") != first:
            raise KeyRefused("the passphrases differ")
        return first

    try:
        return passphrase_from(getattr(args, "passphrase_file", None), ask)
    except KeyRefused as exc:
        raise ExchangeError(str(exc)) from None


def cmd_keys(args: argparse.Namespace) -> int:
    record = open_from_args(args)
    if args.action == "create":
        # The organisation's rule for a new key's passphrase (the key dialog's): refused
        # with the reason, and nothing made, when it is too short or too easy to guess.
        passphrase = _passphrase(args, confirm=True, check=lambda text: keys.check_new_passphrase(
            record, text, central=args.central))
        kid = keys.create_key(record, passphrase, central=args.central)
        sys.stdout.write(f"created key {kid}\nfingerprint {keys.fingerprint(kid)}\n")
    elif args.action == "export-public":
        kid = keys.export_public(record, args.out, central=args.central)
        sys.stdout.write(f"wrote {args.out}\nfingerprint {keys.fingerprint(kid)}\n")
    elif args.action == "register":
        info = keys.register_key(record, args.public_key, officer=args.officer,
                                 agency=args.agency, valid_days=args.valid_days,
                                 replaces=args.replaces)
        sys.stdout.write(f"registered {info.fingerprint} for {info.officer} ({info.agency})\n")
    elif args.action == "revoke":
        info = keys.revoke_key(record, args.key_id)
        sys.stdout.write(f"revoked {info.fingerprint} ({info.officer})\n")
    else:
        rows = keys.list_keys(record)
        if args.json:
            print_json([_key_json(r) for r in rows])
        for r in rows if not args.json else []:
            sys.stdout.write(f"{r.fingerprint}\t{r.status}\t{r.role}\t{r.agency or '-'}\t"
                             f"{r.officer}\n")
    return 0


def _key_json(info: Any) -> dict[str, Any]:
    return {"key_id": info.key_id, "fingerprint": info.fingerprint, "officer": info.officer,
            "agency": info.agency, "role": info.role, "status": info.status,
            "valid_from": str(info.valid_from), "valid_until": str(info.valid_until or "")}


def cmd_pack(args: argparse.Namespace) -> int:
    record = open_from_args(args)
    if args.action == "export":
        key = keys.load_key(record, _passphrase(args), central=True)
        exported = packs.export_pack(record, args.agency, args.out, key, args.valid_days)
        sys.stdout.write(f"wrote pack {exported['version']} for {args.agency} "
                         f"({exported['recommendations']} recommendations) to {args.out}\n")
        for row in exported.get("left_out", []):  # the record held what no pack may carry
            sys.stderr.write(f"nmrf: warning: left out of the pack: {row}\n")
        return 0
    result = packs.import_pack(record, args.file)
    if result.already_imported:
        sys.stdout.write(f"pack {result.version} was already imported; nothing changed\n")
        return 0
    for warning in result.warnings:
        sys.stderr.write(f"nmrf: warning: {warning}\n")
    if result.first_pin:
        sys.stdout.write(f"pinned the central signing key {result.fingerprint}: check this "
                         "fingerprint with the secretariat by phone\n")
    sys.stdout.write(f"imported pack {result.version} for {result.agency}: "
                     f"{result.recommendations} recommendations, {result.acknowledged} "
                     "bundles acknowledged\n")
    return 0


def cmd_bundle(args: argparse.Namespace) -> int:
    record = open_from_args(args)
    if args.action == "export":
        return _bundle_export(record, args)
    if args.action == "verify":
        report = bundle_import.verify_only(record, args.file)
        print_json(report.as_dict())
        return 0 if report.status != bundle_import.REJECTED else 1
    results = bundle_import.import_bundles(record, args.files)
    failed = 0
    for r in results:
        if args.json:
            continue
        if r.status in (bundle_import.REJECTED, bundle_import.FAILED):
            failed += 1
            sys.stderr.write(f"nmrf: {Path(r.file).name}: {r.status}: {r.reason}\n")
        else:
            extra = r.reason or (f"{r.outcome.applied} changes applied, {r.outcome.soft} soft "
                                 f"and {r.outcome.hard} hard conflicts" if r.outcome else "")
            sys.stdout.write(f"{Path(r.file).name}: {r.status}: {extra}\n")
    if args.json:
        print_json([r.as_dict() for r in results])
        failed = sum(r.status in (bundle_import.REJECTED, bundle_import.FAILED)
                     for r in results)
    return 1 if failed else 0


def _bundle_export(record: Any, args: argparse.Namespace) -> int:
    """`bundle export`: the place is checked before the passphrase is asked for."""
    out = Path(args.out)
    if args.out.endswith(("/", os.sep)) and not out.is_dir():  # meant as a folder
        raise ExchangeError(f"the folder {out} does not exist; nothing was written")
    try:
        bundle_export.check_out(out, replace=args.force)
        key = keys.load_key(record, _passphrase(args))
        result = bundle_export.export_bundle(record, out, key, replace=args.force)
    except bundle_export.TargetExists as exc:
        raise ExchangeError(f"{exc.path} already exists: add --force to replace it; "
                            "nothing was written") from None
    except bundle_export.NothingToSend as exc:
        raise ExchangeError(str(exc)) from None
    sys.stdout.write(f"wrote bundle {result.sequence} ({result.changes} changes, "
                     f"{result.evidence} evidence files) to {result.path}\n")
    return 0


def cmd_conflicts(args: argparse.Namespace) -> int:
    record = open_from_args(args)
    if args.action == "list":
        rows = conflicts.list_conflicts(record, None if args.all else "open")
        if args.json:
            print_json([c.as_json() for c in rows])
        for c in rows if not args.json else []:
            sys.stdout.write(f"{c.id[:8]}\t{c.kind}\t{c.agency}\t{c.field}\t{c.title}\n"
                             f"\tcurrent:  {json.dumps(c.current, ensure_ascii=False)}\n"
                             f"\tincoming: {json.dumps(c.incoming, ensure_ascii=False)}\n")
        return 0
    choice, value = args.choice, None
    if args.value is not None:
        choice = conflicts.EDIT
        try:
            value = json.loads(args.value)
        except json.JSONDecodeError:
            value = args.value
    try:
        info = conflicts.resolve(record, args.conflict_id, choice, value)
    except conflicts.ResolveRefused as exc:
        raise ExchangeError(str(exc)) from None
    sys.stdout.write(f"resolved {info.id[:8]} ({info.field}): {info.resolution}\n")
    return 0


def _rec_ids(record: Any, references: list[str]) -> list[str]:
    found = ids_for_references(record, references)
    missing = [r for r in references if r not in found]
    if missing:
        raise ExchangeError(f"no recommendation with reference {missing[0]!r}")
    return [found[r] for r in references]


def _agency(record: Any, given: str | None) -> str:
    """--agency, else the laptop's agency (the policy's, if it sets one)."""

    agency = given or laptop_agency(record)
    if not agency:
        raise ExchangeError("this database works for no agency (the central record, or a "
                            "laptop before its first pack): say whose work this is with "
                            "--agency CODE, e.g. --agency MOJ (`nmrf agencies` lists them)")
    return agency


def cmd_action(args: argparse.Namespace) -> int:
    record = open_from_args(args)
    agency = _agency(record, args.agency)
    try:
        action = entry.create_action(record, ActionDraft(
            title=args.title, agency=agency, description=args.description,
            kind=ActionKind(args.kind), status=ActionStatus(args.status),
            start_date=args.start, target_date=args.target, completed_date=args.completed,
            is_public=args.public, recommendation_ids=tuple(_rec_ids(record, args.rec))))
        for path in args.evidence:
            entry.attach_file(record, path, agency=agency, action_id=action.id)
    except InvalidEntry as exc:
        raise ExchangeError(str(exc)) from None
    sys.stdout.write(f"added action {action.id} with {len(args.evidence)} evidence files\n")
    return 0


def cmd_progress(args: argparse.Namespace) -> int:
    record = open_from_args(args)
    agency = _agency(record, args.agency)
    try:
        update = entry.add_progress(record, ProgressDraft(
            _rec_ids(record, [args.rec])[0], agency, ImplementationStatus(args.status),
            args.text, args.as_of or dt.date.today(), is_public=args.public))
    except InvalidEntry as exc:
        raise ExchangeError(str(exc)) from None
    sys.stdout.write(f"added progress update {update.id}\n")
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    print_json(demo_roundtrip(args.workdir))
    return 0


COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "keys": cmd_keys, "pack": cmd_pack, "bundle": cmd_bundle, "conflicts": cmd_conflicts,
    "action": cmd_action, "progress": cmd_progress, "demo": cmd_demo,
}
