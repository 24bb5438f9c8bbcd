#!/usr/bin/env bash
# Regenerates SageAspire.sln from every csproj, and SageAspire.Local.slnf (what CI builds) = all but the Aspire
# projects, which cannot restore on the build machine and are added to the .sln by hand here. Run after adding a project.
set -e
cd "$(dirname "$0")/.."
rm -f SageAspire.sln
dotnet new sln --format sln -n SageAspire >/dev/null
for p in $(find . -name "*.csproj" -not -path "*/bin/*" -not -path "*/obj/*" -not -path "*AppHost*" | sort); do dotnet sln SageAspire.sln add "$p" >/dev/null; done
python3 - <<'PY'
import re, json, uuid
sln=open('SageAspire.sln').read()
entries=""
for path,name in [("Sage.AppHost\\Sage.AppHost.csproj","Sage.AppHost"),("tests\\Sage.AppHost.Tests\\Sage.AppHost.Tests.csproj","Sage.AppHost.Tests")]:
    g=str(uuid.uuid5(uuid.NAMESPACE_URL, name)).upper()
    entries+=f'Project("{{FAE04EC0-301F-11D3-BF4B-00C04F79EFBC}}") = "{name}", "{path}", "{{{g}}}"\nEndProject\n'
sln=sln.replace("Global\n", entries+"Global\n",1)
open('SageAspire.sln','w').write(sln)
projs=re.findall(r'Project\("\{[^}]+\}"\) = "[^"]+", "([^"]+\.csproj)"', sln)
local=sorted(p for p in projs if 'AppHost' not in p)
json.dump({"solution":{"path":"SageAspire.sln","projects":local}}, open('SageAspire.Local.slnf','w'), indent=2)
open('SageAspire.Local.slnf','a').write("\n")
print(len(projs), "projects;", len(local), "local")
PY
