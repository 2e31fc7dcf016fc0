import t from 'tap';
import { bytes, millicores } from '../../../control-plane/src/workspaces/quantity.js';
import {
  loadTemplates,
  parseTemplate,
  shippedTemplatesDir,
  templateOf,
} from '../../../control-plane/src/workspaces/templates.js';

t.test('the shipped templates are jupyter, rstudio and batch', async (t) => {
  const templates = loadTemplates(shippedTemplatesDir());
  t.same([...templates.keys()], ['batch', 'jupyter', 'rstudio']);
  t.match(templates.get('jupyter'), { kind: 'interactive', app: 'jupyterlab', idleTimeoutMinutes: Number });
  t.match(templates.get('rstudio'), { kind: 'interactive', app: 'rstudio' });
  t.match(templates.get('batch'), { kind: 'batch', app: 'script', maxRuntimeMinutes: Number });
  t.throws(() => templateOf(templates, 'vscode'), {
    code: 'validation_failed',
    message: /unknown workspace template/,
  });
});

const base = `name: x
description: d
image: analysis
resources: { cpu: "1", memory: 1Gi, scratch: 1Gi }
`;

t.test('a template that does not fit its kind is refused with the reason', async (t) => {
  const cases: [string, string, RegExp][] = [
    ['interactive without idle timeout', `${base}kind: interactive\napp: jupyterlab\n`, /idleTimeoutMinutes/],
    ['batch without a maximum run time', `${base}kind: batch\napp: script\n`, /maxRuntimeMinutes/],
    [
      'batch running an interactive app',
      `${base}kind: batch\napp: jupyterlab\nmaxRuntimeMinutes: 5\n`,
      /app/,
    ],
    [
      'unknown key',
      `${base}kind: batch\napp: script\nmaxRuntimeMinutes: 5\nprivileged: true\n`,
      /unknown key privileged/,
    ],
    [
      'bad quantity',
      `${base.replace('"1"', '"lots"')}kind: batch\napp: script\nmaxRuntimeMinutes: 5\n`,
      /cpu/,
    ],
  ];
  for (const [name, text, message] of cases) {
    t.throws(() => parseTemplate(text, 'x.yaml'), { code: 'config_invalid', message }, name);
  }
});

t.test('quantities as Kubernetes writes them', async (t) => {
  t.equal(millicores('2'), 2000);
  t.equal(millicores('500m'), 500);
  t.equal(millicores('0.5'), 500);
  t.equal(bytes('8Gi'), 8 * 2 ** 30);
  t.equal(bytes('512M'), 512e6);
  t.equal(bytes('100'), 100);
  t.throws(() => bytes('1.5Gi'), { code: 'validation_failed' });
});
