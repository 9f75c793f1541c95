# NixOS module: services.canon-sweep runs `canon sweep` weekly from a systemd timer and
# refreshes the metrics every 5 minutes; services.canon-worker runs `canon worker` (queue
# mode) and services.canon-listen runs `canon listen` (webhooks), with the same package,
# settings, user and PATH.
#
# It renders the same units as @canon/timer-units' renderUnits for the same settings
# (Type, ExecStart, WorkingDirectory, User, KillMode, Restart, the timeouts, the
# hardening, OnCalendar, Persistent); packages/timer-units/src/nix-module.slow.test.ts
# evaluates this file against nix/tests/stub-lib.nix and compares the two field by field.
# Change both together. After a switch, `canon units verify /etc/systemd/system` checks the installed
# units the way it checks rendered ones.
{ config, lib, pkgs, ... }:

let
  cfg = config.services.canon-sweep;

  workerCfg = config.services.canon-worker;
  listenCfg = config.services.canon-listen;
  anyEnabled = cfg.enable || workerCfg.enable || listenCfg.enable;

  # The config canon reads; stateDir is the module's, so tmpfiles and canon agree on it.
  settings = cfg.settings // { inherit (cfg) stateDir; };
  configFile = "/etc/canon/config.json";

  # The forge token reaches each unit as a credential: systemd copies forgeTokenFile to
  # /run/credentials/<unit>/forge-token (`%d/forge-token`, readable by that unit only), so
  # each unit reads a config whose forge.tokenFile points into its own directory.
  credential = "forge-token";
  withToken = cfg.forgeTokenFile != null;
  settingsFor = unit: settings // lib.optionalAttrs withToken {
    forge = builtins.removeAttrs (settings.forge or { }) [ "tokenEnv" ]
      // { tokenFile = "/run/credentials/${unit}.service/${credential}"; };
  };
  configFor = unit: if unit == "canon-sweep" || !withToken then configFile else "/etc/canon/${unit}.json";

  # Build-time check: the package's own `canon doctor --offline` loads and validates the
  # settings and finds every program on the units' PATH, so a bad setting fails
  # nixos-rebuild, not Sunday's sweep. The token exists only on the host at run time: the
  # check reads a stand-in beside the config instead (and a stand-in tokenEnv).
  # util-linux for flock(1): canon holds each promote.locks flock through a `flock` child.
  unitPath = [ pkgs.bash pkgs.git pkgs.util-linux ] ++ cfg.runtimeInputs;
  checkSettings = settings // lib.optionalAttrs (settings ? forge) {
    forge = builtins.removeAttrs settings.forge [ "tokenEnv" ] // { tokenFile = "forge-token"; };
  };
  settingsCheck = pkgs.runCommand "canon-settings-check"
    {
      nativeBuildInputs = [ cfg.package ] ++ unitPath;
      checkConfig = builtins.toJSON checkSettings;
      passAsFile = [ "checkConfig" ];
    } ''
    cp "$checkConfigPath" canon.config.json
    printf 'stand-in-token-for-the-build-time-check\n' > forge-token
    canon doctor --offline --config canon.config.json
    touch "$out"
  '';
  configSource = unit: pkgs.runCommand "canon-${unit}-config.json"
    ({
      config = builtins.toJSON (settingsFor unit);
      passAsFile = [ "config" ];
    } // lib.optionalAttrs cfg.checkSettings { check = settingsCheck; }) ''
    cp "$configPath" "$out"
  '';
  # The units enabled; units without a token of their own share /etc/canon/config.json.
  enabledUnits = lib.filter (unit: unit != null) [
    (if cfg.enable then "canon-sweep" else null)
    (if cfg.enable && cfg.metrics.enable then "canon-metrics" else null)
    (if workerCfg.enable then "canon-worker" else null)
    (if listenCfg.enable then "canon-listen" else null)
  ];

  metricsOut =
    if cfg.metrics.textfileDir != null then "${cfg.metrics.textfileDir}/canon.prom"
    else "${cfg.stateDir}/metrics/canon.prom";

  # What every canon unit shares: the user, the working directory, the token and the
  # environment file. NixOS turns `path` into the explicit Environment=PATH.
  common = unit: {
    WorkingDirectory = cfg.stateDir;
    User = cfg.user;
    ProtectSystem = "full";
    ProtectControlGroups = true;
    SyslogIdentifier = unit;
  } // lib.optionalAttrs withToken {
    LoadCredential = "${credential}:${cfg.forgeTokenFile}";
  } // lib.optionalAttrs (cfg.environmentFile != null) {
    EnvironmentFile = cfg.environmentFile;
  };
  # canon-worker and canon-listen: long-running, restarted on failure, and a stop takes
  # every test or sweep they started with them.
  daemon = unit: description: args: {
    inherit description;
    wants = [ "network-online.target" ];
    after = [ "network-online.target" ];
    wantedBy = [ "multi-user.target" ];
    path = unitPath;
    serviceConfig = common unit // {
      Type = "simple";
      ExecStart = "${cfg.package}/bin/canon ${args} --config ${configFor unit}";
      Restart = "on-failure";
      RestartSec = 10;
      KillMode = "control-group";
      TimeoutStopSec = builtins.ceil (killGraceSeconds + 30);
    };
  };

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

  # An option the host may leave unset: null keeps canon's (or systemd's) default.
  nullable = type: attrs: lib.mkOption ({ type = lib.types.nullOr type; default = null; } // attrs);
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
        settings' commands name (abra, docker, the CI runner, …). bash, git and
        util-linux (flock) are always added.
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

    randomizedDelaySec = nullable lib.types.int {
      description = "RandomizedDelaySec= of the timer, to spread sweeps of several hosts.";
    };

    timeoutStartSec = nullable lib.types.int {
      description = "TimeoutStartSec= of the service; null derives it from the recipes' limits.";
    };

    forgeTokenFile = nullable lib.types.str {
      example = "/etc/canon/secrets/forge-token";
      description = ''
        A file on the host holding the forge API token (root-only is fine). Each canon unit
        loads it as the credential "forge-token" (LoadCredential=), and the config it reads
        has forge.tokenFile = /run/credentials/<unit>/forge-token. It never enters the Nix
        store. Overrides forge.tokenFile/tokenEnv in settings.
      '';
    };

    environmentFile = nullable lib.types.str {
      example = "/etc/canon/secrets/env";
      description = ''
        EnvironmentFile= of every canon unit: KEY=VALUE lines for the variables the settings
        read (forge.tokenEnv, passEnv), kept out of the Nix store.
      '';
    };

    checkSettings = lib.mkOption {
      type = lib.types.bool;
      default = true;
      description = ''
        Validate the settings at build time with the package's own `canon doctor --offline`
        (config schema, the enrolled set, every program on the units' PATH), so a bad setting
        fails nixos-rebuild. Turn off only if a command names a program outside the Nix
        store that the build sandbox cannot see.
      '';
    };

    metrics = {
      enable = lib.mkOption {
        type = lib.types.bool;
        default = true;
        description = ''
          canon-metrics.timer: `canon metrics --out FILE` every 5 minutes, so a sweep timer
          that stopped firing shows as canon_sweep_missed 1 within minutes.
        '';
      };
      textfileDir = nullable lib.types.str {
        example = "/var/lib/prometheus-node-exporter-text-files";
        description = ''
          node_exporter's textfile collector directory (services.prometheus.exporters.node
          with --collector.textfile.directory); canon writes canon.prom there. null: the
          file is <stateDir>/metrics/canon.prom.
        '';
      };
    };
  };

  options.services.canon-worker = {
    enable = lib.mkEnableOption "canon-worker: a queue worker running cold tests (settings.execution.mode = \"queue\")";
    slots = nullable lib.types.int {
      description = "`canon worker --slots N`: tests this host runs at once; null: canon's default.";
    };
    pool = nullable lib.types.str {
      description = "`canon worker --pool P`: take only jobs of recipes whose test.pool is P.";
    };
  };

  options.services.canon-listen = {
    enable = lib.mkEnableOption "canon-listen: the forge webhook listener (settings.webhook)";
  };

  config = lib.mkIf anyEnabled {
    environment.etc = builtins.listToAttrs (map
      (unit: {
        name = lib.removePrefix "/etc/" (configFor unit);
        value.source = configSource unit;
      })
      enabledUnits);
    environment.systemPackages = [ cfg.package ];

    systemd.services = lib.optionalAttrs cfg.enable
      {
        canon-sweep = {
          description = "canon: weekly sweep of the enrolled Co-op Cloud recipes";
          wants = [ "network-online.target" ];
          after = [ "network-online.target" ];
          # NixOS turns this into the explicit Environment=PATH (bin, then sbin, of each, plus
          # coreutils, findutils, grep, sed and systemd).
          path = unitPath;
          # A rebuild must neither start a sweep nor kill a running one.
          restartIfChanged = false;
          serviceConfig = common "canon-sweep" // {
            Type = "oneshot";
            # --wait: a sweep that `canon listen` started may hold the mutex; the weekly one
            # waits for it (its whole start timeout) rather than exit 75 and skip a week.
            ExecStart = "${cfg.package}/bin/canon sweep --config ${configFile} --wait ${toString timeoutStartSec}";
            # A stopped or timed-out sweep takes every process group it started with it.
            KillMode = "control-group";
            TimeoutStartSec = timeoutStartSec;
            TimeoutStopSec = builtins.ceil (killGraceSeconds + 30);
            # Hardening that abra and docker survive (reasons in
            # packages/timer-units/src/render-units.ts): no NoNewPrivileges (sudo, newuidmap),
            # nothing that implies it for a non-root user, no ProtectHome (~/.abra, ~/.ssh), no
            # PrivateTmp (shared lock files), ProtectSystem=full rather than strict.
          };
        };
      } // lib.optionalAttrs (cfg.enable && cfg.metrics.enable) {
      canon-metrics = {
        description = "canon: refresh the fleet metrics (node_exporter textfile collector)";
        path = unitPath;
        serviceConfig = common "canon-metrics" // {
          Type = "oneshot";
          ExecStart = "${cfg.package}/bin/canon metrics --out ${metricsOut} --config ${configFor "canon-metrics"}";
          TimeoutStartSec = 120;
          # It runs no recipe command: the full sandbox (see
          # packages/timer-units/src/internal/render-daemons.ts).
          NoNewPrivileges = true;
          PrivateTmp = true;
          PrivateDevices = true;
          PrivateNetwork = true;
          ProtectProc = "invisible";
          ProtectKernelTunables = true;
          ProtectKernelModules = true;
          ProtectKernelLogs = true;
          ProtectClock = true;
          ProtectHostname = true;
          RestrictNamespaces = true;
          RestrictRealtime = true;
          RestrictSUIDSGID = true;
          RestrictAddressFamilies = "AF_UNIX";
          LockPersonality = true;
          SystemCallArchitectures = "native";
          SystemCallFilter = "@system-service";
          CapabilityBoundingSet = "";
        };
      };
    } // lib.optionalAttrs workerCfg.enable {
      canon-worker = daemon "canon-worker" "canon: queue worker running cold tests for the sweep host"
        (lib.concatStringsSep " " ([ "worker" ]
          ++ lib.optionals (workerCfg.slots != null) [ "--slots" (toString workerCfg.slots) ]
          ++ lib.optionals (workerCfg.pool != null) [ "--pool" workerCfg.pool ]));
    } // lib.optionalAttrs listenCfg.enable {
      canon-listen = daemon "canon-listen" "canon: forge webhook listener (tag events start a sweep of that recipe)" "listen" // {
        # LISTEN_ENVIRONMENT of packages/timer-units (the listener's memory under a flood;
        # docs/operations.md, "canon listen").
        environment = {
          NODE_OPTIONS = "--max-semi-space-size=1";
          MALLOC_MMAP_THRESHOLD_ = "16384";
        };
      };
    };

    systemd.timers = lib.optionalAttrs cfg.enable
      {
        canon-sweep = {
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
      } // lib.optionalAttrs (cfg.enable && cfg.metrics.enable) {
      canon-metrics = {
        description = "canon: metrics refresh timer (a missed sweep shows within minutes)";
        wantedBy = [ "timers.target" ];
        timerConfig = {
          OnCalendar = "*:0/5";
          # A refresh missed while the host was down is worth nothing: the next replaces it.
          Persistent = false;
          Unit = "canon-metrics.service";
        };
      };
    };

    systemd.tmpfiles.rules = [
      "d ${cfg.stateDir} 0750 ${cfg.user} - - -"
      "d ${workDir} 0750 ${cfg.user} - - -"
    ] ++ lib.optionals (cfg.enable && cfg.metrics.enable) [
      # World-readable, for node_exporter (another user) once textfileDir is its directory.
      "d ${builtins.dirOf metricsOut} 0755 ${cfg.user} - - -"
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

