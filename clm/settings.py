"""Runtime settings from the environment (prefix ``CLM_``), with safe local defaults."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from clm.rules.config import RegionConfig, load_config

PROJECT_DIR = Path(__file__).resolve().parents[1]


class Settings(BaseSettings):
    """Everything that differs between a laptop, CI and a region's production set-up."""

    model_config = SettingsConfigDict(env_prefix="CLM_", extra="ignore")

    var_dir: Path = Field(PROJECT_DIR / "var", description="Folder for local state, logs, mail")
    database_url: str | None = Field(None, description="SQLAlchemy URL; default SQLite in var/")
    region_config: Path = Field(PROJECT_DIR / "config" / "region.yaml")
    templates_dir: Path = PROJECT_DIR / "templates"
    intake_dir: Path | None = Field(None, description="Folder that UI file parameters resolve in")
    mail_transport: Literal["file", "smtp"] = "file"
    outbox_dir: Path | None = None
    smtp_host: str = "127.0.0.1"
    smtp_port: int = 25
    smtp_user: str | None = None
    # The password itself never lives here in production: the task layer reads it from a
    # Prefect Secret block with this name (or, failing that, CLM_SMTP_PASSWORD).
    smtp_password_block: str = "clm-smtp-password"
    smtp_password: str | None = Field(None, repr=False)
    smtp_starttls: bool = False
    smtp_ssl: bool = False
    # The region mailbox that providers' replies arrive in. No host: the mailbox flow reads
    # .eml files from the post folder instead (the embedded default and the demo).
    imap_host: str | None = None
    imap_port: int = 993
    imap_user: str | None = None
    imap_password_block: str = "clm-imap-password"
    imap_password: str | None = Field(None, repr=False)
    imap_security: Literal["ssl", "starttls", "none"] = "ssl"
    imap_folder: str = "INBOX"

    @property
    def db_url(self) -> str:
        """The database URL, defaulting to a SQLite file under ``var/``."""
        return self.database_url or f"sqlite:///{self.var_dir / 'clm.db'}"

    @property
    def outbox_path(self) -> Path:
        """Where the file transport writes .eml files."""
        return self.outbox_dir or self.var_dir / "outbox"

    @property
    def intake_path(self) -> Path:
        """The only folder from which flows started in the UI may read files."""
        return self.intake_dir or self.var_dir / "intake"

    @property
    def post_path(self) -> Path:
        """Without a mailbox: the folder of .eml files the mailbox flow reads instead."""
        return self.intake_path / "post"

    @property
    def reports_dir(self) -> Path:
        """Where the regional reports (PDF) are written."""
        return self.var_dir / "reports"


@lru_cache
def get_settings() -> Settings:
    """The settings of this process (cached; tests clear the cache after changing env)."""
    return Settings()


_loaded: dict[Path, tuple[tuple[int, int], RegionConfig]] = {}


def region_config() -> RegionConfig:
    """The region configuration named by the settings, read and validated once per version of
    the file (its modification time and size): a run asks for it dozens of times, and a
    region that edits the file gets the new version at the next call."""
    path = Path(get_settings().region_config).resolve()
    try:
        stat = path.stat()
    except OSError:
        return load_config(path)  # names the missing file in its error
    version = (stat.st_mtime_ns, stat.st_size)
    cached = _loaded.get(path)
    if cached is None or cached[0] != version:
        cached = _loaded[path] = (version, load_config(path))
    return cached[1]
