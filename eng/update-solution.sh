#!/usr/bin/env bash
# Regenerates SageAspire.sln from every csproj in the repository (the AppHost and its tests included: Aspire 13.6
# restores here). The test command builds and tests this solution. Run it after adding or removing a project.
set -euo pipefail
cd "$(dirname "$0")/.."
rm -f SageAspire.sln
dotnet new sln --format sln -n SageAspire >/dev/null
find . -name "*.csproj" -not -path "*/bin/*" -not -path "*/obj/*" | sort | while read -r project; do
  dotnet sln SageAspire.sln add "$project" >/dev/null
done
echo "$(grep -c '\.csproj' SageAspire.sln) projects in SageAspire.sln"
