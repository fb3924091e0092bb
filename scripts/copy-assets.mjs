// The files a package reads at run time beside its code (Lua scripts, the dashboard's CSS and
// JavaScript): copied from src/ to dist/ at the same relative path, so `new URL('./x', import.meta.url)`
// finds them from either. Run by `pnpm build` after tsc.
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const build = JSON.parse(fs.readFileSync(path.join(root, 'tsconfig.build.json'), 'utf8'));

function copyAssets(srcDir, distDir) {
  for (const entry of fs.readdirSync(srcDir, { withFileTypes: true })) {
    const from = path.join(srcDir, entry.name);
    const to = path.join(distDir, entry.name);
    if (entry.isDirectory()) copyAssets(from, to);
    else if (!entry.name.endsWith('.ts')) {
      fs.mkdirSync(distDir, { recursive: true });
      fs.copyFileSync(from, to);
    }
  }
}

// An image builds one service and has only the packages it needs; the rest are not there.
for (const { path: pkg } of build.references) {
  const src = path.join(root, pkg, 'src');
  if (fs.existsSync(src)) copyAssets(src, path.join(root, pkg, 'dist'));
}
