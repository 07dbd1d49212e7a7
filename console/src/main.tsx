import { render } from 'preact';
import { Console } from './Console';
import './styles.css';

const root = document.getElementById('app');
if (root) {
  render(<Console />, root);
}
