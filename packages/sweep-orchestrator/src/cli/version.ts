import packageJson from '../../package.json' with { type: 'json' };

/** The package version, inlined at build time so `canon --version` reads no file. */
export const canonVersion: string = packageJson.version;
