# canon as a Nix package: the npm workspace built with buildNpmPackage, exposing bin/canon.
#
#   pkgs.callPackage ./nix/package.nix { npmLockfile = ./resolved-package-lock.json; npmDepsHash = "sha256-…"; }
#
# How npmDepsHash is obtained on the first build, plainly:
#
# 1. nixpkgs fetches npm dependencies (fetchNpmDeps / prefetch-npm-deps) from the
#    `resolved` URL and `integrity` of each package in package-lock.json. This project's
#    lockfile carries no registry URLs, by design (installs use whichever registry npm is
#    configured with), so it cannot be fetched from as it is; do not add them to it.
# 2. Make a lockfile that has them, outside this repository: in a scratch copy of the
#    checkout, with your registry configured, run
#      npm install --package-lock-only --ignore-scripts
#    and check that every registry package now has a `resolved` URL (npm may leave some
#    out; npm-lockfile-fix fills them from the registry). Keep that package-lock.json next
#    to your NixOS configuration and pass it as npmLockfile: it replaces the project's
#    lockfile inside the build only. Compare its versions with the project's lockfile;
#    they must be the same.
# 3. Build once with the default npmDepsHash (lib.fakeHash). Nix fails with
#      hash mismatch … got: sha256-…
#    copy that "got:" value into npmDepsHash. (Or compute it directly:
#    `prefetch-npm-deps resolved-package-lock.json`, from nixpkgs.)
# The hash changes whenever the lockfile does; repeat 2 and 3 after an update.
{ lib
, buildNpmPackage
, nodejs_20
, makeWrapper
, npmDepsHash ? lib.fakeHash
  # A package-lock.json with `resolved` URLs (step 2 above); null: the project's own.
, npmLockfile ? null
}:

let
  # Versions move together; the CLI's package.json is the one `canon --version` reports.
  version = (lib.importJSON ../packages/sweep-orchestrator/package.json).version;
  # The workspace without build output, local caches or this directory (so editing the
  # module does not rebuild canon).
  ignored = [ "node_modules" "dist" "coverage" ".nx" ".canon-demo" "nix" ".git" ];
in
buildNpmPackage {
  pname = "canon";
  inherit version npmDepsHash;
  nodejs = nodejs_20;

  src = lib.cleanSourceWith {
    src = ../.;
    filter = path: _type: !(builtins.elem (baseNameOf path) ignored);
  };

  nativeBuildInputs = [ makeWrapper ];

  # buildNpmPackage hands postPatch to fetchNpmDeps too, so both read this lockfile.
  postPatch = lib.optionalString (npmLockfile != null) ''
    cp ${npmLockfile} package-lock.json
  '';

  # `npm run build` = `nx run-many -t build` (tsup per package). The sandbox has no
  # network: no Nx daemon, no Nx Cloud.
  npmBuildScript = "build";
  env = {
    NX_DAEMON = "false";
    NX_NO_CLOUD = "true";
    NX_SKIP_NX_CACHE = "true";
  };

  # The root package is a private workspace, so npm's default install (pack the root)
  # does not apply: keep the built workspace with its production dependencies.
  installPhase = ''
    runHook preInstall
    npm prune --omit=dev --no-save --offline
    # Links to dev-only workspaces (tools/*) dangle after the prune.
    find node_modules -xtype l -delete
    mkdir -p $out/lib/canon $out/bin
    cp -r package.json node_modules packages $out/lib/canon/
    makeWrapper ${nodejs_20}/bin/node $out/bin/canon \
      --add-flags $out/lib/canon/packages/sweep-orchestrator/bin/canon.js
    runHook postInstall
  '';

  meta = {
    description = "Keeps a CI fleet's known-good Co-op Cloud recipe deployments in step with upstream releases";
    license = lib.licenses.agpl3Plus;
    mainProgram = "canon";
    platforms = lib.platforms.linux;
  };
}
