# canon as a Nix package: the npm workspace built with buildNpmPackage, exposing bin/canon.
#
#   pkgs.callPackage ./nix/package.nix { npmDepsHash = "sha256-…"; }
#
# npmDepsHash pins the npm dependencies of package-lock.json. It changes whenever the
# lockfile does; get it with `prefetch-npm-deps package-lock.json` (nixpkgs), or build once
# with the default lib.fakeHash and copy the hash Nix reports as "got:".
{ lib
, buildNpmPackage
, nodejs_20
, makeWrapper
, npmDepsHash ? lib.fakeHash
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
