# Evaluates ../module.nix with the stub lib for the settings in a JSON file, and returns
# the unit fields it renders. Run by packages/timer-units/src/nix-module.slow.test.ts:
#   nix-instantiate --eval --strict --json nix/tests/eval-module.nix --argstr fixture FILE
# FILE: { package, bash, git, runtimeInputs, settings, user, stateDir, randomizedDelaySec }
# (packages are directory paths standing in for store paths).
{ fixture }:
let
  input = builtins.fromJSON (builtins.readFile fixture);
  lib = import ./stub-lib.nix;
  pkgs = {
    inherit (input) bash git;
    callPackage = _: _: throw "the harness passes services.canon-sweep.package explicitly";
  };
  module = import ../module.nix { inherit config lib pkgs; };
  options = module.options.services.canon-sweep;
  given = {
    enable = true;
    inherit (input) package runtimeInputs settings user stateDir randomizedDelaySec;
  };
  cfg = builtins.mapAttrs
    (name: option:
      let value = given.${name} or option.default;
      in if option.type.check value then value
      else throw "services.canon-sweep.${name} is not a ${option.type.name}")
    options;
  config.services.canon-sweep = cfg;
  out = module.config;
  service = out.systemd.services.canon-sweep;
in
{
  service = {
    inherit (service) description wants after restartIfChanged serviceConfig;
    pathBin = lib.makeBinPath service.path;
  };
  timer = out.systemd.timers.canon-sweep;
  tmpfiles = out.systemd.tmpfiles.rules;
  configJson = out.environment.etc."canon/config.json".text;
  users = builtins.attrNames out.users.users;
}
