"""full-text search index; New Zealand agencies and the Annex II lead agencies

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

# code, English name, official te reo Māori name (empty where the agency has none).
AGENCIES: list[tuple[str, str, str]] = [
    ("MOJ", "Ministry of Justice", "Te Tāhū o te Ture"),
    ("MFAT", "Ministry of Foreign Affairs and Trade", "Manatū Aorere"),
    ("MFW", "Ministry for Women", "Manatū Wāhine"),
    ("MSD", "Ministry of Social Development", "Te Manatū Whakahiato Ora"),
    ("WHAIKAHA", "Whaikaha – Ministry of Disabled People (Office for Disability Issues)",
     "Whaikaha"),
    ("TPK", "Te Puni Kōkiri – Ministry of Māori Development", "Te Puni Kōkiri"),
    ("MOH", "Ministry of Health", "Manatū Hauora"),
    ("MOE", "Ministry of Education", "Te Tāhuhu o te Mātauranga"),
    ("OT", "Oranga Tamariki – Ministry for Children", "Oranga Tamariki"),
    ("MPP", "Ministry for Pacific Peoples", "Te Manatū mō ngā Iwi o te Moana-nui-a-Kiwa"),
    ("MEC", "Ministry for Ethnic Communities", "Te Tari Mātāwaka"),
    ("DIA", "Department of Internal Affairs", "Te Tari Taiwhenua"),
    ("MBIE", "Ministry of Business, Innovation and Employment", "Hīkina Whakatutuki"),
    ("HUD", "Ministry of Housing and Urban Development", "Te Tūāpapa Kura Kāinga"),
    ("POLICE", "New Zealand Police", "Ngā Pirihimana o Aotearoa"),
    ("CORRECTIONS", "Department of Corrections", "Ara Poutama Aotearoa"),
    ("DPMC", "Department of the Prime Minister and Cabinet",
     "Te Tari o te Pirimia me te Komiti Matua"),
    ("MFE", "Ministry for the Environment", "Manatū mō te Taiao"),
    ("STATSNZ", "Stats NZ", "Tatauranga Aotearoa"),
    ("TSY", "The Treasury", "Te Tai Ōhanga"),
    ("IR", "Inland Revenue", "Te Tari Taake"),
    ("MOD", "Ministry of Defence", "Manatū Kaupapa Waonga"),
    ("CROWNLAW", "Crown Law Office", "Te Tari Ture o te Karauna"),
    ("PSC", "Public Service Commission", "Te Kawa Mataaho"),
]

# Cabinet paper, Annex II: the lead agency for each body's reporting.
BODY_LEADS: list[tuple[str, str]] = [
    ("UPR", "MFAT"),
    ("UPR", "MOJ"),
    ("CCPR", "MOJ"),
    ("CESCR", "MOJ"),
    ("CAT", "MOJ"),
    ("CERD", "MOJ"),
    ("CEDAW", "MFW"),
    ("CRC", "MSD"),
    ("CRPD", "WHAIKAHA"),
]

FTS_TOKENIZER = "porter unicode61 remove_diacritics 2"


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        # Rowid = recommendations.num. Columns: the text (ranked highest) and the
        # reference, symbol and recommending states, so those can be searched too.
        op.execute(
            "CREATE VIRTUAL TABLE recommendation_fts USING fts5("
            f"text, meta, tokenize = '{FTS_TOKENIZER}')"
        )
    now = dt.datetime(2026, 11, 27)
    agencies = sa.table(
        "agencies",
        sa.column("code"), sa.column("name_en"), sa.column("name_mi"), sa.column("active"),
        sa.column("version"), sa.column("created_at"), sa.column("updated_at"),
    )
    op.bulk_insert(agencies, [
        {"code": c, "name_en": en, "name_mi": mi, "active": True, "version": 1,
         "created_at": now, "updated_at": now}
        for c, en, mi in AGENCIES
    ])
    leads = sa.table("body_leads", sa.column("body"), sa.column("agency_code"))
    op.bulk_insert(leads, [{"body": b, "agency_code": a} for b, a in BODY_LEADS])


def downgrade() -> None:
    op.execute("DELETE FROM body_leads")
    op.execute("DELETE FROM agencies")
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TABLE recommendation_fts")
