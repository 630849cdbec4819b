import { QwcHotReloadElement, html, css } from 'qwc-hot-reload-element';
import { JsonRpc } from 'jsonrpc';
import '@vaadin/grid';
import { columnBodyRenderer } from '@vaadin/grid/lit.js';

const STATES = ['', 'RUNNING', 'RUNNABLE', 'SYSCALL', 'PREEMPTED', 'WAITING'];
const REFRESH_MILLIS = 2000;

/**
 * Goroutines page: the live Gs (the first 500 that match, with the count of all of them by state), refreshed every two
 * seconds; a click on a row shows that G's stack.
 */
export class QwcGoroutinesGoroutines extends QwcHotReloadElement {

    jsonRpc = new JsonRpc(this);

    static styles = css`
        :host { display: flex; flex-direction: column; gap: 0.5em; padding: 0 1em 1em 1em; height: 100%; }
        .bar { display: flex; gap: 1.5em; align-items: center; flex-wrap: wrap; }
        vaadin-grid { height: 420px; }
        pre { margin: 0; padding: 0.5em; background: var(--lumo-contrast-5pct); overflow: auto; max-height: 320px; font-size: 0.85em; }
    `;

    static properties = {
        _list: { state: true },
        _state: { state: true },
        _stack: { state: true }
    };

    constructor() {
        super();
        this._state = '';
        this._stack = null;
    }

    connectedCallback() {
        super.connectedCallback();
        this._refresh();
        this._timer = setInterval(() => this._refresh(), REFRESH_MILLIS);
    }

    disconnectedCallback() {
        clearInterval(this._timer);
        super.disconnectedCallback();
    }

    hotReload() {
        this._refresh();
    }

    _refresh() {
        this.jsonRpc.goroutines({ state: this._state }).then(r => this._list = r.result);
    }

    render() {
        const l = this._list;
        return html`
            <div class="bar">
                <label>State
                    <select id="state" @change=${e => { this._state = e.target.value; this._refresh(); }}>
                        ${STATES.map(s => html`<option value=${s} ?selected=${s === this._state}>${s === '' ? 'all' : s.toLowerCase()}</option>`)}
                    </select>
                </label>
                ${l ? html`<span id="count">${l.shown.length} listed${l.truncated ? ' (the first ' + l.shown.length + ' that match)' : ''} · ${l.total} live</span>
                    <span>${Object.entries(l.byState).map(([k, n]) => k.toLowerCase() + ' ' + n).join(' · ')}</span>` : ''}
            </div>
            <vaadin-grid id="gs" .items=${l ? l.shown : []} theme="compact row-stripes" @active-item-changed=${e => this._select(e.detail.value)}>
                <vaadin-grid-column header="G" width="6em" flex-grow="0" ${columnBodyRenderer(g => html`G${g.id}`, [])}></vaadin-grid-column>
                <vaadin-grid-column header="state" width="8em" flex-grow="0" ${columnBodyRenderer(g => html`${g.state.toLowerCase()}`, [])}></vaadin-grid-column>
                <vaadin-grid-column header="wait reason" ${columnBodyRenderer(g => html`${g.waitReason || ''}`, [])}></vaadin-grid-column>
                <vaadin-grid-column header="age" width="7em" flex-grow="0" text-align="end" ${columnBodyRenderer(g => html`${this._age(g.ageMillis)}`, [])}></vaadin-grid-column>
                <vaadin-grid-column header="request" flex-grow="2" ${columnBodyRenderer(g => html`${g.label || ''}`, [])}></vaadin-grid-column>
                <vaadin-grid-column header="group" flex-grow="2" ${columnBodyRenderer(g => html`${g.group || ''}`, [])}></vaadin-grid-column>
                <vaadin-grid-column header="M" width="6em" flex-grow="0" ${columnBodyRenderer(g => html`${g.m < 0 ? '' : 'M' + g.m}`, [])}></vaadin-grid-column>
                <vaadin-grid-column header="thread" ${columnBodyRenderer(g => html`${g.thread || ''}`, [])}></vaadin-grid-column>
            </vaadin-grid>
            ${this._stack ? html`<pre id="stack">${this._stack}</pre>` : html`<span>Click a G to see its stack.</span>`}`;
    }

    _select(g) {
        if (!g) return;
        this.jsonRpc.stack({ id: g.id }).then(r => this._stack = r.result);
    }

    _age(ms) {
        return ms < 1000 ? ms + ' ms' : (ms / 1000).toFixed(1) + ' s';
    }
}
customElements.define('qwc-goroutines-goroutines', QwcGoroutinesGoroutines);
