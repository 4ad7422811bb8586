"""The ``madoguchi`` command line (Typer): ingest, ask, chat, corpus validate, and the plug-in commands."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeElapsedColumn

from bot.cli.kit import (
    err_console,
    fold_japanese_help,
    handle_errors,
    out_console,
    print_json,
    print_text,
    settings,
)
from bot.cli.log import attach_cli_listeners
from bot.desk import Desk
from bot.plans.vocab_check import plan_vocab_problems
from retrieval.corpus import load_corpus
from retrieval.embed import get_embedder
from retrieval.errors import Code, DeskError
from retrieval.ingest import ingest as run_ingest
from retrieval.search import MODES
from retrieval.store import Store

app = typer.Typer(help="madoguchi（窓口）— 地域未来戦略の相談窓口", no_args_is_help=True, add_completion=False)
corpus_app = typer.Typer(help="コーパス（資料・カタログ）の操作", no_args_is_help=True)
app.add_typer(corpus_app, name="corpus")

# Modules that add their own commands with a ``register(app)`` function; one not installed is skipped.
PLUGINS: tuple[str, ...] = ("bot.cli.plan", "evals.cli", "evals.cli_agreement", "bot.web.cli", "bot.slack.cli", "bot.cli.log", "bot.cli.consultations")


@app.command(short_help="索引を作る・更新する")
@handle_errors
def ingest(
    paths: list[Path] = typer.Argument(None, help="追加で索引に入れる文書（ファイルまたはディレクトリ）"),
    rebuild: bool = typer.Option(False, "--rebuild", help="差分を使わず全件を作り直す"),
    if_needed: bool = typer.Option(False, "--if-needed", help="変更がなければ何もしない（make run 用）"),
) -> None:
    """索引を作る・更新する（変わったチャンクだけ埋め込み直し、入れ替えまでは古い索引で応答する）。"""
    s = settings()
    store = Store(path=None if s.chroma_url else s.chroma_dir, url=s.chroma_url)
    embedder = get_embedder(s.embedder, threads=s.embed_threads, batch=s.embed_batch)
    with Progress(
        TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
        console=err_console, transient=True,
    ) as bar:
        tasks: dict[str, TaskID] = {}

        def progress(stage: str, done: int, total: int) -> None:
            label = {"embed": "埋め込み", "store": "保存", "lexical": "BM25索引"}.get(stage, stage)
            if stage not in tasks:
                tasks[stage] = bar.add_task(label, total=max(total, 1))
            bar.update(tasks[stage], completed=done, total=max(total, 1))

        report = run_ingest(store, s.index_dir, s.corpus_dir, embedder, extra_paths=paths or (), rebuild=rebuild, progress=progress)
    if report.up_to_date:
        out_console.print(f"索引は最新です（{report.chunks} チャンク, corpus {report.corpus_version}）。")
        return
    rate = report.chunks / report.seconds if report.seconds else 0.0
    out_console.print(
        f"索引を更新しました: {report.chunks} チャンク（埋め込み {report.embedded} / 再利用 {report.reused}）, "
        f"{report.seconds:.1f} 秒 ({rate:.0f} チャンク/秒), corpus {report.corpus_version}"
    )
    _ = if_needed  # --if-needed is the default behaviour; kept for make run's readability


@app.command(short_help="質問に出典つきで回答する")
@handle_errors
def ask(
    question: str = typer.Argument(..., help="質問（日本語）。- で標準入力から読む"),
    json_out: bool = typer.Option(False, "--json", help="JSON で出力"),
    k: int = typer.Option(None, "-k", help="検索するチャンク数"),
    retriever: str = typer.Option("hybrid", "--retriever", help="hybrid | bm25 | bigram | dense"),
    audience: str = typer.Option("staff", "--audience", help="staff（自治体職員向け）| public（事業者向け）"),
    width: int = typer.Option(None, "--width", min=20, help="この桁数で折り返して表示（省略時: 端末の幅。パイプでは折り返さない）"),
) -> None:
    """質問に出典つきで回答する（資料にないことには答えず、相談先を案内する）。

    端末では Markdown として整えて表示し、パイプやファイルへはそのままのテキストを折り返さずに出力します。
    """
    if retriever not in MODES:
        raise DeskError(Code.INVALID_INPUT, f"--retriever は {' / '.join(MODES)} のいずれかです。")
    if question == "-":
        question = sys.stdin.read(settings().max_question_chars * 8)
    desk = Desk()
    attach_cli_listeners(desk)
    answer = desk.ask(question, k=k, mode=retriever, audience=audience, channel="cli")
    if json_out:
        print_json(answer.public())
    else:
        print_text(answer.text, width=width, keep_lines=True)
    if answer.refused and not json_out:
        raise typer.Exit(0)


@app.command(short_help="端末で続けて相談する")
@handle_errors
def chat(audience: str = typer.Option("staff", "--audience", help="staff（自治体職員向け）| public（事業者向け）")) -> None:
    """端末で続けて相談する（出典つき）。空行または Ctrl-D で終了。"""
    desk = Desk()
    attach_cli_listeners(desk)
    desk.ready()
    history: list[dict[str, str]] = []
    out_console.print("madoguchi（窓口）です。地域未来戦略や国の支援施策についてご質問ください。（空行で終了）")
    while True:
        try:
            question = input("\n質問> ").strip()
        except EOFError:
            break
        if not question:
            break
        try:
            answer = desk.ask(question, history[-desk.settings.max_history_turns :], audience=audience, channel="cli")
        except DeskError as exc:
            err_console.print(f"エラー: {exc.user_text()}", highlight=False)
            continue
        print_text(answer.text, keep_lines=True)
        history += [{"role": "user", "content": question}, {"role": "assistant", "content": answer.text}]


@corpus_app.command("validate", short_help="コーパスを検査する")
@handle_errors
def corpus_validate(path: Path = typer.Argument(None, help="コーパスのディレクトリ（既定: MADOGUCHI_CORPUS_DIR）")) -> None:
    """コーパスを検査する。問題ごとにファイルと項目を示し、1 件でもあれば終了コード 1。"""
    corpus_dir = path or settings().corpus_dir
    corpus = load_corpus(corpus_dir)
    problems = [*corpus.problems, *plan_vocab_problems(corpus_dir, [m.id for m in corpus.measures])]
    for warning in corpus.warnings:
        err_console.print(f"警告: {warning}", highlight=False, markup=False, soft_wrap=True)
    for problem in problems:
        err_console.print(str(problem), highlight=False, markup=False, soft_wrap=True)
    if problems:
        err_console.print(f"{len(problems)} 件の問題があります。")
        raise typer.Exit(1)
    out_console.print(
        f"OK: 文書 {len(corpus.documents)} 件, 支援施策 {len(corpus.measures)} 件, "
        f"計画類型 {len(corpus.plan_types)} 件, チャンク {len(corpus.chunks())} 件"
    )


for _name in PLUGINS:
    importlib.import_module(_name).register(app)

fold_japanese_help()  # no I/O: Japanese help wraps in Typer's tables instead of being cut with "…"
