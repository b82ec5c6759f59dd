import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
  config: { serverNodeFlags: string }
  scripts: Record<string, string>
}

describe('the Node flags the server runs with', () => {
  // Written out in each script, not as $npm_package_config_…: Windows' cmd.exe, npm's shell there,
  // does not expand it. The bench reads config.serverNodeFlags to start the server as npm start does.
  it.each(['start', 'dev', 'bench:replay', 'bench:room-load'])('npm run %s passes config.serverNodeFlags as they are', (script) => {
    // Before the entry file: after it they would be the script's arguments, not Node's flags.
    expect(pkg.scripts[script]).toMatch(new RegExp(`tsx (watch )?${pkg.config.serverNodeFlags} [\\w/.-]+\\.ts$`))
  })

  it('no script relies on the shell to expand an npm variable', () => {
    expect(Object.values(pkg.scripts).filter((s) => s.includes('$npm_'))).toEqual([])
  })
})
