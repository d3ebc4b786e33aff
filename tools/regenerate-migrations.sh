#!/usr/bin/env bash
# Regenerates the database migrations after a model change, in the one form both databases take: EF Core generates
# them on SQLite, then the store types are removed (each provider maps the CLR types itself) and PostgreSQL's identity
# annotation is added beside SQLite's autoincrement. Usage: tools/regenerate-migrations.sh NAME (needs dotnet-ef:
# dotnet tool install --global dotnet-ef --version 10.0.15).
set -euo pipefail
cd "$(dirname "$0")/../src/MinerWatch.Persistence"
dotnet ef migrations add "$1" --output-dir Migrations
python3 - <<'PY'
import re, glob
for p in glob.glob('Migrations/*.cs'):
    s = open(p).read()
    s = re.sub(r'type: "[A-Z ]+",\s*', '', s)
    s = re.sub(r'\n\s*\.HasColumnType\("[A-Za-z ]+"\)', '', s)
    if 'Npgsql:ValueGenerationStrategy' not in s:
        s = s.replace('.Annotation("Sqlite:Autoincrement", true)', '.Annotation("Sqlite:Autoincrement", true)\n                        .Annotation("Npgsql:ValueGenerationStrategy", Npgsql.EntityFrameworkCore.PostgreSQL.Metadata.NpgsqlValueGenerationStrategy.IdentityByDefaultColumn)')
    if 'UseIdentityByDefaultColumn' not in s:
        s = re.sub(r'( +)b\.Property<int>\("Id"\)\n\s*\.ValueGeneratedOnAdd\(\);', lambda m: m.group(0) + '\n\n' + m.group(1) + 'NpgsqlPropertyBuilderExtensions.UseIdentityByDefaultColumn(b.Property<int>("Id"));', s)
    open(p, 'w').write(s)
PY
