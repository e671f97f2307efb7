import js from '@eslint/js'
import tseslint from 'typescript-eslint'

const subprocess = ['execa', 'node:child_process', 'child_process'].map((name) => ({
  name,
  message: 'Start subprocesses only through runTool in src/core/exec.ts.',
}))
const terminal = ['@oclif/core', 'ora', '@inquirer/prompts'].map((name) => ({
  name,
  message: 'src/ domains return data and report progress by callback; only src/cli and commands/ talk to the terminal.',
}))
const engineLibraries = ['systeminformation', 'node-forge', 'ora', '@inquirer/prompts'].map((name) => ({
  name,
  message: 'Commands are thin: call the engine through src/<domain>/index.ts and render with src/cli.',
}))
const restrict = (paths) => ({'no-restricted-imports': ['error', {paths}]})

// Exit codes are spelled ExitCode.* and errors come from a domain's table of codes (src/core/errors.ts).
const exitAndErrorSyntax = [
  {
    selector: "NewExpression[callee.name='LlmsecError']",
    message:
      "Build errors with a domain's constructor (coreError, usageError, cryptoError, …) so every code is declared.",
  },
  {
    selector: 'TSAsExpression[typeAnnotation.typeName.name=/^(ExitCode|[A-Za-z]*ErrorCode)$/]',
    message: 'Do not cast to an exit or error code: use ExitCode.* and the codes a domain declares.',
  },
  {
    selector: "AssignmentExpression[left.property.name='exitCode'][right.type='Literal']",
    message: 'Use ExitCode.* (0 ok, 1 findings, 2 usage, 3 unexpected, 4 incomplete), not a bare number.',
  },
  {
    selector: "CallExpression[callee.property.name=/^(exit|setExitCode)$/][arguments.0.type='Literal']",
    message: 'Use ExitCode.* (0 ok, 1 findings, 2 usage, 3 unexpected, 4 incomplete), not a bare number.',
  },
  {
    selector: "Property[key.name='exit'][value.type='Literal']",
    message: 'Use ExitCode.* (0 ok, 1 findings, 2 usage, 3 unexpected, 4 incomplete), not a bare number.',
  },
  {
    // Every element becomes a call argument: past ~10^5 elements the call throws RangeError.
    selector: 'CallExpression[callee.property.name=/^(push|unshift|max|min|fromCharCode)$/] > SpreadElement',
    message: 'Spreading an array into a call fails on large arrays: use append()/maxOf() from src/core/arrays.ts.',
  },
]

export default tseslint.config(
  {ignores: ['dist/', 'node_modules/', 'coverage/', 'test-artifacts/', 'fixtures/**/generated/', '.bench-tmp/']},
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', {argsIgnorePattern: '^_', varsIgnorePattern: '^_'}],
      'no-control-regex': 'off',
    },
  },
  {
    files: ['src/**/*.ts'],
    ignores: ['src/cli/**', 'src/core/exec.ts'],
    rules: {'no-console': 'error', ...restrict([...terminal, ...subprocess])},
  },
  {files: ['src/core/exec.ts'], rules: {'no-console': 'error', ...restrict(terminal)}},
  {files: ['src/cli/**/*.ts'], rules: restrict(subprocess)},
  {files: ['commands/**/*.ts'], rules: restrict([...subprocess, ...engineLibraries])},
  {
    files: ['src/**/*.ts', 'commands/**/*.ts'],
    ignores: ['src/core/errors.ts'],
    rules: {'no-restricted-syntax': ['error', ...exitAndErrorSyntax]},
  },
)
