# Evaluates ../module.nix with the stub lib for the settings in a JSON file, and returns
# the unit fields it renders. Run by packages/timer-units/src/nix-module.slow.test.ts:
#   nix-instantiate --eval --strict --json nix/tests/eval-module.nix --argstr fixture FILE
# FILE: { bash, git, util-linux } (stand-ins for pkgs) plus any services.canon-sweep options, and
# optionally { worker, listen } for services.canon-worker and services.canon-listen
# (packages are directory paths standing in for store paths).
{ fixture }:
let
  input = builtins.fromJSON (builtins.readFile fixture);
  lib = import ./stub-lib.nix;
  pkgs = {
    inherit (input) bash git util-linux;
    callPackage = _: _: throw "the harness passes services.canon-sweep.package explicitly";
    formats.json = _: { type = lib.types.attrs; };
    # A derivation's inputs and script, so the test can read what the build would run.
    runCommand = name: env: script: { outPath = "/nix/store/stub-${name}"; inherit name env script; };
  };
  module = import ../module.nix { inherit config lib pkgs; };
  # Options the fixture leaves out take their defaults; nested sets of options recurse.
  resolve = prefix: options: given: builtins.mapAttrs
    (name: option:
      if option ? _isOption then
        let value = given.${name} or option.default;
        in if option.type.check value then value
        else throw "${prefix}.${name} is not a ${option.type.name}"
      else resolve "${prefix}.${name}" option (given.${name} or { }))
    options;
  sweepGiven = { enable = true; } // builtins.removeAttrs input [ "bash" "git" "util-linux" "worker" "listen" ];
  config.services = {
    canon-sweep = resolve "services.canon-sweep" module.options.services.canon-sweep sweepGiven;
    canon-worker = resolve "services.canon-worker" module.options.services.canon-worker (input.worker or { });
    canon-listen = resolve "services.canon-listen" module.options.services.canon-listen (input.listen or { });
  };
  out = module.config;
  unit = service: {
    inherit (service) description serviceConfig;
    wants = service.wants or [ ];
    after = service.after or [ ];
    wantedBy = service.wantedBy or [ ];
    restartIfChanged = service.restartIfChanged or true;
    pathBin = lib.makeBinPath service.path;
    environment = service.environment or { };
  };
  configSource = (out.environment.etc."canon/config.json" or { source.env = { config = null; }; }).source;
in
{
  service = if out.systemd.services ? canon-sweep then unit out.systemd.services.canon-sweep else null;
  services = builtins.mapAttrs (_: unit) out.systemd.services;
  timer = out.systemd.timers.canon-sweep or null;
  timers = out.systemd.timers;
  tmpfiles = out.systemd.tmpfiles.rules;
  configJson = configSource.env.config;
  configFiles = builtins.mapAttrs (_: etc: etc.source.env.config) out.environment.etc;
  settingsCheck = if configSource.env ? check then { inherit (configSource.env.check) script env; } else null;
  users = builtins.attrNames out.users.users;
}
