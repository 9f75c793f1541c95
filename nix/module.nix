# NixOS module: services.canon-sweep runs `canon sweep` weekly from a systemd timer.
#
# It renders the same service and timer as @canon/timer-units' renderUnits for the same
# settings (Type, ExecStart, WorkingDirectory, User, KillMode, the timeouts, the hardening,
# OnCalendar, Persistent); packages/timer-units/src/nix-module.slow.test.ts evaluates this
# file against nix/tests/stub-lib.nix and compares the two field by field. Change both
# together. After a switch, `canon units verify /etc/systemd/system` checks the installed
# units the way it checks rendered ones.
{ config, lib, pkgs, ... }:

let
  cfg = config.services.canon-sweep;

  # The config canon reads; stateDir is the module's, so tmpfiles and canon agree on it.
  settings = cfg.settings // { inherit (cfg) stateDir; };
  configFile = "/etc/canon/config.json";

  schedule = {
    onCalendar = "Sun *-*-* 03:00:00";
    persistent = true;
  } // (settings.schedule or { });
  workDir = settings.workDir or "/var/cache/canon";
  killGraceSeconds = settings.killGraceSeconds or 30;

  # TimeoutStartSec, by the formula of deriveTimeoutStartSec in
  # packages/timer-units/src/derive-timeout.ts: 300 s for the sweep plus, per enrolled
  # recipe, its test and promote limits, twice the kill grace and 60 s. A oneshot service
  # has no start timeout by default, and a hung sweep would hold the sweep lock forever.
  # Limits resolve like the config loader: the recipe's value, else defaults', else
  # canon's built-in default (test 3600 s, promote 900 s; no promote: 0).
  defaults = settings.defaults or { };
  stepOf = step: recipe:
    if recipe ? ${step} then recipe.${step}
    else defaults.${step} or null;
  limitOf = step: builtin: whenAbsent: recipe:
    let
      own = stepOf step recipe;
      fromDefaults = defaults.${step} or null;
    in
    if own == null then whenAbsent
    else own.timeoutSeconds or (if fromDefaults == null then builtin else fromDefaults.timeoutSeconds or builtin);
  enrolledRecipes = lib.filter (recipe: recipe.enrolled or (defaults.enrolled or true))
    (lib.attrValues (settings.recipes or { }));
  perRecipeSeconds = map
    (recipe: limitOf "test" 3600 3600 recipe + limitOf "promote" 900 0 recipe + 2 * killGraceSeconds + 60)
    enrolledRecipes;
  derivedTimeoutStartSec = builtins.ceil (300 + lib.foldl' (a: b: a + b) 0 perRecipeSeconds);
  timeoutStartSec = if cfg.timeoutStartSec != null then cfg.timeoutStartSec else derivedTimeoutStartSec;
in
{
  options.services.canon-sweep = {
    enable = lib.mkEnableOption "the weekly canon sweep of the enrolled Co-op Cloud recipes";

    package = lib.mkOption {
      type = lib.types.package;
      default = pkgs.callPackage ./package.nix { };
      defaultText = lib.literalExpression "pkgs.callPackage ./package.nix { }";
      description = "The canon package; its bin/canon is the service's ExecStart.";
    };

    settings = lib.mkOption {
      # JSON-typed, so definitions from several modules merge key by key.
      type = (pkgs.formats.json { }).type;
      default = { };
      description = ''
        canon's configuration (canon.config.json) as Nix attributes, written with
        builtins.toJSON to /etc/canon/config.json. stateDir is taken from the option of that name.
      '';
    };

    runtimeInputs = lib.mkOption {
      type = lib.types.listOf lib.types.package;
      default = [ ];
      description = ''
        Packages whose bin/ directories go on the service's PATH: one for every program the
        settings' commands name (abra, docker, the CI runner, flock, …). bash and git are
        always added.
      '';
    };

    user = lib.mkOption {
      type = lib.types.str;
      default = "canon";
      description = ''
        User the sweep runs as. The default creates a system user "canon" in the docker
        group; set an existing CI user to reuse its ~/.abra and ~/.ssh.
      '';
    };

    stateDir = lib.mkOption {
      type = lib.types.str;
      default = "/var/lib/canon";
      description = "canon's stateDir (registry, runs, locks) and the service's WorkingDirectory.";
    };

    randomizedDelaySec = lib.mkOption {
      type = lib.types.nullOr lib.types.int;
      default = null;
      description = "RandomizedDelaySec= of the timer, to spread sweeps of several hosts.";
    };

    timeoutStartSec = lib.mkOption {
      type = lib.types.nullOr lib.types.int;
      default = null;
      description = "TimeoutStartSec= of the service; null derives it from the recipes' limits.";
    };
  };

  config = lib.mkIf cfg.enable {
    environment.etc."canon/config.json".text = builtins.toJSON settings;
    environment.systemPackages = [ cfg.package ];

    systemd.services.canon-sweep = {
      description = "canon: weekly sweep of the enrolled Co-op Cloud recipes";
      wants = [ "network-online.target" ];
      after = [ "network-online.target" ];
      # NixOS turns this into the explicit Environment=PATH (bin, then sbin, of each, plus
      # coreutils, findutils, grep, sed and systemd).
      path = [ pkgs.bash pkgs.git ] ++ cfg.runtimeInputs;
      # A rebuild must neither start a sweep nor kill a running one.
      restartIfChanged = false;
      serviceConfig = {
        Type = "oneshot";
        # --wait: a sweep that `canon listen` started may hold the mutex; the weekly one
        # waits for it (its whole start timeout) rather than exit 75 and skip a week.
        ExecStart = "${cfg.package}/bin/canon sweep --config ${configFile} --wait ${toString timeoutStartSec}";
        WorkingDirectory = cfg.stateDir;
        User = cfg.user;
        # A stopped or timed-out sweep takes every process group it started with it.
        KillMode = "control-group";
        TimeoutStartSec = timeoutStartSec;
        TimeoutStopSec = builtins.ceil (killGraceSeconds + 30);
        # Hardening that abra and docker survive (reasons in
        # packages/timer-units/src/render-units.ts): no NoNewPrivileges (sudo, newuidmap),
        # nothing that implies it for a non-root user, no ProtectHome (~/.abra, ~/.ssh), no
        # PrivateTmp (shared lock files), ProtectSystem=full rather than strict.
        ProtectSystem = "full";
        ProtectControlGroups = true;
        SyslogIdentifier = "canon-sweep";
      };
    };

    systemd.timers.canon-sweep = {
      description = "canon: weekly sweep timer";
      wantedBy = [ "timers.target" ];
      timerConfig = {
        OnCalendar = schedule.onCalendar;
        # A sweep missed while the host was down runs at the next boot.
        Persistent = schedule.persistent;
        Unit = "canon-sweep.service";
      } // lib.optionalAttrs (cfg.randomizedDelaySec != null) {
        RandomizedDelaySec = cfg.randomizedDelaySec;
      };
    };

    systemd.tmpfiles.rules = [
      "d ${cfg.stateDir} 0750 ${cfg.user} - - -"
      "d ${workDir} 0750 ${cfg.user} - - -"
    ];

    users.users = lib.optionalAttrs (cfg.user == "canon") {
      canon = {
        isSystemUser = true;
        group = "canon";
        home = cfg.stateDir;
        extraGroups = [ "docker" ];
      };
    };
    users.groups = lib.optionalAttrs (cfg.user == "canon") { canon = { }; };
  };
}
