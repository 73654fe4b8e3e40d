import { OutputFormat, SourceMapMode, type BundlingOptions } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { BuildOptions } from 'esbuild';

/**
 * The esbuild settings every Lambda is bundled with, in one place so the benchmark (bench/) can bundle the router
 * exactly as `cdk deploy` does and measure the same bytes.
 */

/** Lambda's Node.js 24 runtime; the code must still run on Node 20 locally, so nothing newer is assumed. */
export const ESBUILD_TARGET = 'node24';

/** ESM output has no `require`; CommonJS dependencies bundled into it still call it, so one is defined up front. */
export const ESM_REQUIRE_BANNER =
  "import { createRequire as __roukeyCreateRequire } from 'node:module'; const require = __roukeyCreateRequire(import.meta.url);";

/** The Node 24 runtime ships AWS SDK v3: bundling it again only adds cold-start bytes. */
export const EXTERNAL_MODULES = ['@aws-sdk/*'] as const;

/** Prefer ESM builds of dependencies (smaller, tree-shakable), falling back to CommonJS. */
export const MAIN_FIELDS = ['module', 'main'] as const;

/** As `NodejsFunction` bundling props (lib/function.ts). */
export const LAMBDA_BUNDLING = {
  format: OutputFormat.ESM,
  target: ESBUILD_TARGET,
  minify: true,
  sourceMap: true,
  sourceMapMode: SourceMapMode.DEFAULT,
  mainFields: [...MAIN_FIELDS],
  banner: ESM_REQUIRE_BANNER,
  externalModules: [...EXTERNAL_MODULES],
} as const satisfies BundlingOptions;

/** The same settings as esbuild `build()` options, for callers that run esbuild directly (the benchmark). */
export const ESBUILD_OPTIONS: BuildOptions = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: ESBUILD_TARGET,
  minify: true,
  sourcemap: true,
  mainFields: [...MAIN_FIELDS],
  banner: { js: ESM_REQUIRE_BANNER },
  external: [...EXTERNAL_MODULES],
};
